import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IntervalAggregator } from '../gateway/sinks/interval-aggregator.js';
import { clockOf } from '../kernel/clock.js';
import { moments } from '../stats/confidence-sequence.js';
import type { Store } from '../store/store.js';
import { STORE_FACTORIES } from '../store/test-support/store-factories.js';
import { initialStatus } from './core/rollout-state.js';
import { CANDIDATE, makeSpec, STABLE } from './core/test-support/fixtures.js';
import { storeObserver } from './store-ports.js';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`the rollout controller's view of a step (${factory.name})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('reads aggregates only: two gateways’ interval moments pooled, judged quality from sums, no trace rows', async () => {
      const spec = makeSpec();
      let now = T0;
      const clock = clockOf(() => now);
      const latency = { canary: [] as number[], stable: [] as number[] };
      // Two gateways, two intervals, both arms; a failed canary request counts, but has no latency.
      for (const gatewayId of ['g1', 'g2']) {
        now = T0;
        const agg = new IntervalAggregator((rows) => store.putArmIntervals(rows), {
          gatewayId,
          intervalSeconds: 10,
          clock,
        });
        for (let i = 0; i < 40; i++) {
          now = T0 + i * 500;
          const arm = i % 4 === 0 ? 'canary' : 'stable';
          const ms = 80 + ((i * 37) % 50) + (gatewayId === 'g2' ? 10 : 0);
          const error = arm === 'canary' && i === 8;
          if (!error) latency[arm].push(ms);
          agg.record({
            route: spec.route,
            rolloutId: spec.rolloutId,
            arm,
            latencyMs: ms,
            error,
            tokens: 5,
            costUsd: 0.001,
          });
        }
        await agg.close();
      }
      const quality = { canary: [0.7, 0.6, 0.8, 0.5], stable: [0.9, 0.8, 0.85, 0.75, 0.8] };
      await store.insertObserveSamples(
        (['canary', 'stable'] as const).flatMap((arm) =>
          quality[arm].map((q, i) => ({
            id: `${arm}-${i}`,
            route: spec.route,
            releaseId: arm === 'canary' ? CANDIDATE : STABLE,
            slice: '*',
            at: T0 + 1000 * i,
            quality: q,
            judgeError: false,
            flags: {},
          })),
        ),
      );
      const status = { ...initialStatus(spec), startedAt: T0, stepStartedAt: T0 };
      const seen = await storeObserver(store).observe(spec, status, T0 + 20_000);
      expect(await store.listTraces({ route: spec.route })).toEqual([]); // the view came from aggregates alone
      const { canary, stable } = seen.windows!;
      expect(seen.canaryRequestsTotal).toBe(20);
      expect(canary).toMatchObject({ count: 20, errors: 2 });
      for (const arm of ['canary', 'stable'] as const) {
        const w = arm === 'canary' ? canary : stable;
        const want = moments(latency[arm].map((ms) => Math.log(ms)));
        expect(w.logLatency!.n).toBe(want.n);
        expect(w.logLatency!.mean).toBeCloseTo(want.mean, 9);
        expect(w.logLatency!.m2).toBeCloseTo(want.m2, 9);
        expect(w.costs!.n).toBe(w.count);
        expect(w.costs!.mean).toBeCloseTo(0.001, 12);
        const q = moments(quality[arm]);
        expect(w.qualityMoments!.n).toBe(q.n);
        expect(w.qualityMoments!.mean).toBeCloseTo(q.mean, 12);
        expect(w.qualityMoments!.m2).toBeCloseTo(q.m2, 12);
      }
    });
  });
}
