import { describe, expect, it } from 'vitest';
import { clockOf } from '../../kernel/clock.js';
import type { ArmIntervalRecord } from '../../store/store.js';
import { IntervalAggregator, type ArmSample } from './interval-aggregator.js';

const sample = (arm: 'stable' | 'canary', latencyMs: number, error = false): ArmSample => ({
  route: 'legal',
  rolloutId: 'r-1',
  arm,
  latencyMs,
  error,
  tokens: 10,
  costUsd: 0.001,
});

describe('IntervalAggregator', () => {
  it('sums each arm per interval and writes intervals once they are over', async () => {
    let now = Date.UTC(2026, 0, 1, 0, 0, 3);
    const rows: ArmIntervalRecord[] = [];
    const agg = new IntervalAggregator(async (r) => void rows.push(...r), {
      intervalSeconds: 10,
      gatewayId: 'g1',
      clock: clockOf(() => now),
    });
    for (let i = 1; i <= 100; i++) agg.record(sample('stable', i));
    agg.record(sample('canary', 50, true));
    agg.record(sample('canary', 70));
    await agg.flush(false);
    expect(rows).toEqual([]); // the interval is still running
    now += 10_000;
    agg.record(sample('stable', 5));
    await agg.flush(false);
    expect(rows).toHaveLength(2);
    const stable = rows.find((r) => r.arm === 'stable')!;
    expect(stable).toMatchObject({
      route: 'legal',
      rolloutId: 'r-1',
      intervalStart: '2026-01-01T00:00:00.000Z',
      count: 100,
      errors: 0,
      tokens: 1000,
      gatewayId: 'g1',
    });
    expect(stable.latencyP50).toBeCloseTo(50.5);
    expect(stable.latencyP95).toBeCloseTo(95.05);
    expect(stable.costUsd).toBeCloseTo(0.1);
    expect(rows.find((r) => r.arm === 'canary')).toMatchObject({ count: 2, errors: 1, latencyP50: 70, latencyP95: 70 });
    // The moments the rollout controller's monitors read instead of traces: ln latency of the successes, cost of all.
    const lnMs = Array.from({ length: 100 }, (_, i) => Math.log(i + 1));
    const lnMean = lnMs.reduce((a, b) => a + b, 0) / 100;
    expect(stable.logLatency!.n).toBe(100);
    expect(stable.logLatency!.mean).toBeCloseTo(lnMean, 12);
    expect(stable.logLatency!.m2).toBeCloseTo(
      lnMs.reduce((a, x) => a + (x - lnMean) ** 2, 0),
      9,
    );
    expect(stable.costs).toMatchObject({ n: 100 });
    expect(stable.costs!.mean).toBeCloseTo(0.001, 15);
    expect(stable.costs!.m2).toBeCloseTo(0, 15);
    const canary = rows.find((r) => r.arm === 'canary')!;
    expect(canary.logLatency!.n).toBe(1); // the failed request has no latency to count
    expect(canary.logLatency!.mean).toBeCloseTo(Math.log(70), 12);
    expect(canary.costs!.n).toBe(2);
    await agg.close(); // the interval in progress is written too
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ intervalStart: '2026-01-01T00:00:10.000Z', count: 1 });
  });

  it("leaves a refused (4xx) request out of the ln-latency moments: it counts, is no error, and says nothing of the model's speed", async () => {
    const rows: ArmIntervalRecord[] = [];
    const agg = new IntervalAggregator(async (r) => void rows.push(...r), { gatewayId: 'g1' });
    agg.record({ ...sample('canary', 0.2), answered: false });
    agg.record(sample('canary', 90));
    await agg.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ count: 2, errors: 0, logLatency: { n: 1, mean: Math.log(90), m2: 0 } });
    expect(rows[0]!.costs!.n).toBe(2);
  });

  it('keeps a bounded latency sample, and rows whose write failed until the next one', async () => {
    let fail = true;
    const rows: ArmIntervalRecord[] = [];
    const agg = new IntervalAggregator(
      async (r) => {
        if (fail) throw new Error('down');
        rows.push(...r);
      },
      { gatewayId: 'g1', maxSamples: 50, random: () => 0.999 },
    );
    for (let i = 0; i < 1000; i++) agg.record({ ...sample('stable', 100), rolloutId: null });
    await expect(agg.flush()).rejects.toThrow('down');
    fail = false;
    await agg.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rolloutId: '', count: 1000, latencyP50: 100, latencyP95: 100 });
  });
});
