import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../kernel/digest.js';
import type { ReleaseId, ResolvedManifest } from '../release/resolved-manifest.js';
import { gateFixture } from '../gate/report/test-support/fixture.js';
import { initialStatus, type RolloutStatus } from '../rollout/core/index.js';
import { makeSpec } from '../rollout/core/test-support/fixtures.js';
import { migrate } from './migrations.js';
import type { ArmIntervalRecord, ReleaseRecord, Store, TraceRecord } from './store.js';
import { STORE_FACTORIES } from './test-support/store-factories.js';

function release(n: number, name = 'legal'): ReleaseRecord {
  const manifest = { name, model: { provider: 'up', name: `m${n}` } } as unknown as ResolvedManifest;
  return {
    id: sha256Digest(`release-${n}`) as ReleaseId,
    name,
    manifest,
    baseline: null,
    changes: [],
    actor: 'ana',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  };
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`Store contract: ${factory.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores blobs by content: same bytes, same digest, one row', async () => {
      const bytes = Buffer.from('hello\0world');
      const d1 = await store.putBlob(bytes);
      const d2 = await store.putBlob(new Uint8Array(bytes));
      expect(d1).toBe(sha256Digest(bytes));
      expect(d2).toBe(d1);
      expect(Buffer.compare((await store.getBlob(d1))!, bytes)).toBe(0);
      expect(await store.getBlob(sha256Digest('absent'))).toBeUndefined();
    });

    it('inserts a release once and reads it back whole', async () => {
      const r = release(1);
      expect(await store.insertRelease(r)).toEqual({ inserted: true });
      expect(await store.insertRelease(r)).toEqual({ inserted: false });
      expect(await store.getRelease(r.id)).toEqual(r);
      expect(await store.listReleases()).toHaveLength(1);
    });

    it('finds ids by hex prefix and lists by route in creation order', async () => {
      const rs = [release(3), release(1, 'medical'), release(2)];
      for (const r of rs) await store.insertRelease(r);
      const hex = rs[0]!.id.slice(7);
      expect(await store.findReleaseIds(hex.slice(0, 12), 2)).toEqual([rs[0]!.id]);
      expect(await store.findReleaseIds('', 10)).toHaveLength(3);
      expect(await store.findReleaseIds('xyz', 10)).toEqual([]);
      expect((await store.listReleases({ name: 'legal' })).map((r) => r.id)).toEqual([rs[2]!.id, rs[0]!.id]);
    });

    it('pages releases newest first with the count of the whole list, and counts releases per route', async () => {
      const rs = [release(3), release(1, 'medical'), release(2)];
      for (const r of rs) await store.insertRelease(r);
      const first = await store.releasePage({ name: 'legal' }, { offset: 0, limit: 1 });
      expect(first.total).toBe(2);
      expect(first.releases.map((r) => r.id)).toEqual([rs[0]!.id]);
      const second = await store.releasePage({ name: 'legal' }, { offset: 1, limit: 1 });
      expect(second.releases.map((r) => r.id)).toEqual([rs[2]!.id]);
      expect((await store.releasePage({}, { offset: 0, limit: 10 })).total).toBe(3);
      expect(await store.releaseRoutes()).toEqual([
        { name: 'legal', count: 2 },
        { name: 'medical', count: 1 },
      ]);
    });

    it('keeps a route pointer', async () => {
      const a = release(1);
      const b = release(2);
      await store.insertRelease(a);
      await store.insertRelease(b);
      expect(await store.getRoute('legal')).toBeUndefined();
      await store.putRouteState({ route: 'legal', stable: a.id, candidate: null, weight: 0, rolloutId: null });
      await store.putRouteState({ route: 'legal', stable: b.id, candidate: null, weight: 0, rolloutId: null });
      expect((await store.getRoute('legal'))?.stable).toBe(b.id);
    });

    it('rolls a failed transaction back completely', async () => {
      const r = release(1);
      await expect(
        store.transaction(async (tx) => {
          await tx.putBlob(Buffer.from('in a doomed transaction'));
          await tx.insertRelease(r);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.getRelease(r.id)).toBeUndefined();
      expect(await store.getBlob(sha256Digest('in a doomed transaction'))).toBeUndefined();
    });

    it('serializes locked transactions across connections', async () => {
      const url = factory.freshUrl();
      const a = await factory.open(url);
      const b = await factory.open(url);
      try {
        const order: string[] = [];
        const slow = a.transaction(
          async (tx) => {
            order.push('a:start');
            await tx.putBlob(Buffer.from('a'));
            await new Promise((r) => setTimeout(r, 150));
            order.push('a:end');
          },
          { lock: 'contract' },
        );
        await new Promise((r) => setTimeout(r, 30));
        const fast = b.transaction(
          async (tx) => {
            order.push('b:start');
            await tx.putBlob(Buffer.from('b'));
          },
          { lock: 'contract' },
        );
        await Promise.all([slow, fast]);
        expect(order).toEqual(['a:start', 'a:end', 'b:start']);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('applies migrations once, however often it is opened', async () => {
      const url = factory.freshUrl();
      const first = await factory.open(url);
      await first.close();
      const second = await factory.open(url);
      await second.close();
      expect(second.description).toBe(first.description);
    });

    it('versions route state: every write takes the next version, reads come back whole', async () => {
      expect(await store.routeStateVersion()).toBe(0);
      expect(await store.getRouteStates()).toEqual([]);
      const a = release(1).id;
      const b = release(2).id;
      const first = await store.putRouteState({
        route: 'legal',
        stable: a,
        candidate: null,
        weight: 0,
        rolloutId: null,
      });
      const second = await store.putRouteState({
        route: 'medical',
        stable: a,
        candidate: b,
        weight: 12.5,
        rolloutId: 'r-1',
      });
      const third = await store.putRouteState({ route: 'legal', stable: a, candidate: b, weight: 5, rolloutId: 'r-2' });
      expect([first.version, second.version, third.version]).toEqual([1, 2, 3]);
      expect(await store.routeStateVersion()).toBe(3);
      expect(await store.getRouteStates()).toEqual([third, second]);
    });

    it('hands out distinct route-state versions to concurrent writers', async () => {
      const a = release(1).id;
      const written = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.putRouteState({ route: `r${i}`, stable: a, candidate: null, weight: 0, rolloutId: null }),
        ),
      );
      expect(new Set(written.map((w) => w.version)).size).toBe(8);
      expect(await store.routeStateVersion()).toBe(8);
    });

    it('stores traces once and lists them by route, release and time', async () => {
      const trace = (n: number, route = 'legal'): TraceRecord => ({
        id: `t${n}`,
        route,
        releaseId: release(n % 2).id,
        arm: n % 2 ? 'canary' : 'stable',
        stickyHash: n === 0 ? null : `h${n}`,
        status: n === 3 ? 502 : 200,
        latencyMs: 12.25 + n,
        promptTokens: 10 + n,
        completionTokens: 20 + n,
        costUsd: 0.000123456 * n,
        slice: n === 1 ? 'fr/fr-BE' : null,
        input: JSON.stringify([{ role: 'user', content: `question ${n} [EMAIL]` }]),
        vars: '{}',
        output: `answer ${n}`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      });
      const rows = [trace(0), trace(1), trace(2), trace(3, 'medical')];
      await store.insertTraces(rows);
      await store.insertTraces([rows[1]!, trace(4)]);
      expect(await store.listTraces()).toEqual([...rows, trace(4)]);
      expect((await store.listTraces({ route: 'legal', since: rows[1]!.createdAt })).map((t) => t.id)).toEqual([
        't1',
        't2',
        't4',
      ]);
      expect((await store.listTraces({ releaseId: release(1).id })).map((t) => t.id)).toEqual(['t1', 't3']);
      expect(await store.listTraces({ limit: 2 })).toEqual(rows.slice(0, 2));
      await store.insertTraces([]);
    });

    it('searches traces by every filter, keeping the newest when asked', async () => {
      const trace = (n: number, over: Partial<TraceRecord> = {}): TraceRecord => ({
        id: `s${n}`,
        route: 'legal',
        releaseId: release(n % 2).id,
        arm: n % 2 ? 'canary' : 'stable',
        stickyHash: `h${n % 3}`,
        status: n === 4 ? 500 : 200,
        latencyMs: 10,
        promptTokens: 1,
        completionTokens: 2,
        costUsd: 0,
        slice: null,
        input: JSON.stringify([{ role: 'user', content: `q${n}` }]),
        vars: '{}',
        output: `a${n}`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
        ...over,
      });
      await store.insertTraces([0, 1, 2, 3, 4, 5].map((n) => trace(n)).concat(trace(6, { route: 'medical' })));
      const ids = async (f: Parameters<Store['searchTraces']>[0]) => (await store.searchTraces(f)).map((t) => t.id);
      expect(await ids({})).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6']);
      expect(await ids({ route: 'legal', status: 200, arm: 'canary' })).toEqual(['s1', 's3', 's5']);
      expect(await ids({ releaseId: release(0).id, stickyHash: 'h0' })).toEqual(['s0', 's6']);
      expect(await ids({ since: trace(2).createdAt, until: trace(4).createdAt })).toEqual(['s2', 's3', 's4']);
      expect(await ids({ route: 'legal', limit: 2, newest: true })).toEqual(['s4', 's5']);
      expect(await ids({ route: 'legal', limit: 2 })).toEqual(['s0', 's1']);
      await store.eraseTraceContent({ stickyHash: 'h1' });
      expect(await ids({ route: 'legal', withContent: true })).toEqual(['s0', 's2', 's3', 's5']);
    });

    it('erases trace content by sticky hash and time, keeping digests and every other field', async () => {
      const trace = (n: number, hash: string | null): TraceRecord => ({
        id: `e${n}`,
        route: 'legal',
        releaseId: release(1).id,
        arm: 'canary',
        stickyHash: hash,
        status: 200,
        latencyMs: 12.5,
        promptTokens: 10 + n,
        completionTokens: 20 + n,
        costUsd: 0.001 * n,
        slice: 'fr/fr-BE',
        input: JSON.stringify([{ role: 'user', content: `question ${n}` }]),
        vars: '{}',
        output: `answer ${n}`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      });
      const rows = [trace(0, 'alice'), trace(1, 'bob'), trace(2, 'alice'), trace(3, null), trace(4, 'alice')];
      await store.insertTraces(rows);
      expect(await store.eraseTraceContent({ stickyHash: 'alice', before: rows[4]!.createdAt })).toBe(2);
      expect(await store.eraseTraceContent({ stickyHash: 'alice', before: rows[4]!.createdAt })).toBe(0);
      const after = await store.listTraces();
      const marker = (text: string) => JSON.stringify({ erased: sha256Digest(text) });
      expect(after).toEqual([
        { ...rows[0]!, input: marker(rows[0]!.input), output: marker(rows[0]!.output), vars: marker(rows[0]!.vars) },
        rows[1],
        { ...rows[2]!, input: marker(rows[2]!.input), output: marker(rows[2]!.output), vars: marker(rows[2]!.vars) },
        rows[3],
        rows[4],
      ]);
      expect(await store.eraseTraceContent({ before: rows[2]!.createdAt })).toBe(1);
      expect((await store.listTraces()).map((t) => t.input.startsWith('{"erased":'))).toEqual([
        true,
        true,
        true,
        false,
        false,
      ]);
      expect(await store.eraseTraceContent({ stickyHash: 'alice' })).toBe(1);
      await expect(store.eraseTraceContent({})).rejects.toThrow(RangeError);
    });

    it('erases shadow pair content by sticky hash, keeping digests', async () => {
      const pair = (n: number, hash: string) => ({
        id: `p${n}`,
        route: 'legal',
        stableRelease: release(0).id,
        shadowRelease: release(1).id,
        slice: null,
        stickyHash: hash,
        input: `question ${n}`,

        stableOutput: `stable ${n}`,
        shadowOutput: `shadow ${n}`,
        stableLatencyMs: 10,
        shadowLatencyMs: 11,
        stableCostUsd: 0.5,
        shadowCostUsd: 0.25,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      });
      await store.insertShadowPairs([pair(0, 'alice'), pair(1, 'bob')]);
      expect(await store.eraseShadowPairContent({ stickyHash: 'alice' })).toBe(1);
      expect(await store.eraseShadowPairContent({ stickyHash: 'alice' })).toBe(0);
      const [a, b] = await store.shadowPairs({ route: 'legal' });
      expect(a).toEqual({
        ...pair(0, 'alice'),
        input: JSON.stringify({ erased: sha256Digest('question 0') }),
        stableOutput: JSON.stringify({ erased: sha256Digest('stable 0') }),
        shadowOutput: JSON.stringify({ erased: sha256Digest('shadow 0') }),
      });
      expect(b).toEqual(pair(1, 'bob'));
    });

    it('keeps per-gateway arm intervals, a rewrite replacing its row', async () => {
      const row = (
        gatewayId: string,
        arm: 'stable' | 'canary',
        count: number,
        start = '2026-01-01T00:00:00.000Z',
      ): ArmIntervalRecord => ({
        route: 'legal',
        rolloutId: 'r-1',
        arm,
        intervalStart: start,
        count,
        errors: 1,
        latencyP50: 101.5,
        latencyP95: 250.25,
        tokens: 40 * count,
        costUsd: 0.0004 * count,
        gatewayId,
      });
      await store.putArmIntervals([row('g1', 'stable', 10), row('g2', 'stable', 7), row('g1', 'canary', 2)]);
      await store.putArmIntervals([row('g1', 'stable', 11), row('g1', 'stable', 3, '2026-01-01T00:00:10.000Z')]);
      await store.putArmIntervals([{ ...row('g1', 'stable', 1), rolloutId: '' }]);
      const rows = await store.armIntervals({ route: 'legal', rolloutId: 'r-1' });
      expect(rows).toEqual([
        row('g1', 'canary', 2),
        row('g1', 'stable', 11),
        row('g2', 'stable', 7),
        row('g1', 'stable', 3, '2026-01-01T00:00:10.000Z'),
      ]);
      expect(await store.armIntervals({ route: 'legal', since: '2026-01-01T00:00:05.000Z' })).toHaveLength(1);
      expect(await store.armIntervals({ route: 'legal' })).toHaveLength(5);
      expect(await store.armIntervals({ route: 'medical' })).toEqual([]);
    });

    it("keeps an interval's ln-latency and cost moments, a rewrite replacing them; a row without them reads back without", async () => {
      const row: ArmIntervalRecord = {
        route: 'legal',
        rolloutId: 'r-2',
        arm: 'canary',
        intervalStart: '2026-01-01T00:00:00.000Z',
        count: 12,
        errors: 2,
        latencyP50: 100,
        latencyP95: 180,
        tokens: 480,
        costUsd: 0.006,
        gatewayId: 'g1',
        logLatency: { n: 9, mean: 4.605, m2: 0.75 }, // one of the 10 without an error was a refused (4xx) request
        costs: { n: 12, mean: 0.0005, m2: 1.25e-7 },
      };
      await store.putArmIntervals([row, { ...row, gatewayId: 'g0', logLatency: undefined, costs: undefined }]);
      const [old, kept] = await store.armIntervals({ route: 'legal', rolloutId: 'r-2' });
      expect(old).not.toHaveProperty('logLatency');
      expect(old).not.toHaveProperty('costs');
      expect(kept!.logLatency).toEqual({ n: 9, mean: 4.605, m2: 0.75 });
      expect(kept!.costs!.n).toBe(12);
      expect(kept!.costs!.mean).toBeCloseTo(0.0005, 15);
      expect(kept!.costs!.m2).toBeCloseTo(1.25e-7, 15);
      await store.putArmIntervals([{ ...row, logLatency: { n: 10, mean: 5, m2: 1 } }]);
      const [, rewritten] = await store.armIntervals({ route: 'legal', rolloutId: 'r-2' });
      expect(rewritten!.logLatency).toEqual({ n: 10, mean: 5, m2: 1 });
    });
  });
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`Store contract, control plane: ${factory.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('commits a rollout status only at the expected version', async () => {
      const spec = makeSpec();
      const v0 = initialStatus(spec);
      const v1: RolloutStatus = {
        ...v0,
        startedAt: 1000,
        stepStartedAt: 1000,
        paused: { by: 'ana', reason: 'look', at: 1500 },
        lastMonitors: {
          at: 2000,
          from: 1000,
          to: 2000,
          score: 100,
          results: [
            {
              name: 'error_rate',
              value: 0,
              threshold: 0.02,
              status: 'pass',
              critical: true,
              detail: '0 of 60',
              facts: { n: 60, p: null },
            },
          ],
        },
        events: [{ at: 1000, kind: 'step', step: 0, weight: 5, message: 'canary at 5%' }],
      };
      await store.insertRollout({ rolloutId: spec.rolloutId, route: spec.route, spec, status: v0 });
      expect(await store.commitRollout(spec.rolloutId, 1, v1)).toBe(true);
      expect(await store.commitRollout(spec.rolloutId, 1, { ...v1, commandSeq: 9 })).toBe(false);
      const row = await store.getRollout(spec.rolloutId);
      expect(row).toMatchObject({ status: v1, version: 2 });
      expect(row?.spec).toEqual(spec);
      expect((await store.latestRollout(spec.route))?.rolloutId).toBe(spec.rolloutId);
    });

    it('refuses a stored rollout whose status does not have its shape', async () => {
      const spec = makeSpec();
      await store.insertRollout({ rolloutId: spec.rolloutId, route: spec.route, spec, status: initialStatus(spec) });
      await store.transaction(async (tx) => {
        // A row written by something else than the store: it is parsed, not trusted.
        await tx.commitRollout(spec.rolloutId, 1, { ...initialStatus(spec), stepIndex: 'one' } as never);
      });
      await expect(store.getRollout(spec.rolloutId)).rejects.toThrow(/rollout status/);
    });

    it('numbers queued commands and reads those after a sequence number', async () => {
      expect(await store.queueCommand('ro-1', { kind: 'pause', actor: 'ana', at: 1 })).toBe(1);
      expect(await store.queueCommand('ro-1', { kind: 'resume', actor: 'ana', reason: 'ok', at: 2 })).toBe(2);
      expect((await store.commandsAfter('ro-1', 1)).map((c) => c.kind)).toEqual(['resume']);
    });

    it('hands a lease to exactly one of two racing controllers', async () => {
      const a = store.compareAndSetLease('controller', null, { holder: 'a', expiresAt: 10 });
      const b = store.compareAndSetLease('controller', null, { holder: 'b', expiresAt: 10 });
      expect([await a, await b].filter(Boolean)).toHaveLength(1);
      const held = (await store.readLease('controller'))!;
      expect(
        await store.compareAndSetLease('controller', { holder: 'x', expiresAt: 10 }, { holder: 'x', expiresAt: 20 }),
      ).toBe(false);
      expect(await store.compareAndSetLease('controller', held, { holder: held.holder, expiresAt: 20 })).toBe(true);
    });

    it("keeps observer samples once and reads a release's by time range, oldest first", async () => {
      const sample = (id: string, releaseId: string, at: number, quality: number | null) => ({
        id,
        route: 'legal',
        releaseId,
        slice: 'fr/fr-BE',
        at,
        quality,
        judgeError: quality === null,
        flags: { refusal: at % 2 === 0 },
      });
      await store.insertObserveSamples([
        sample('s3', 'r1', 3000, 0.5),
        sample('s1', 'r1', 1000, 0.9),
        sample('s2', 'r1', 2000, null),
        sample('x', 'r2', 2000, 1),
      ]);
      await store.insertObserveSamples([sample('s1', 'r1', 1000, 0.1)]); // the same id again: kept once, unchanged
      expect((await store.observeSamples('r1', 0)).map((r) => r.id)).toEqual(['s1', 's2', 's3']);
      expect(await store.observeSamples('r1', 1000, 3000)).toEqual([
        { ...sample('s1', 'r1', 1000, 0.9) },
        { ...sample('s2', 'r1', 2000, null) },
      ]);
      expect(await store.observeSamples('r1', 2001, 3000)).toEqual([]);
      expect(await store.latestObserveSampleAt('r1')).toBe(3000);
      expect(await store.latestObserveSampleAt('none')).toBeNull();
      // The rollout controller's aggregate: count, sum and sum of squares of the judged quality, judge errors left out.
      const sums = await store.observeQualitySums('r1', 0);
      expect(sums.n).toBe(2);
      expect(sums.sum).toBeCloseTo(1.4, 12);
      expect(sums.sumSq).toBeCloseTo(0.81 + 0.25, 12);
      expect(await store.observeQualitySums('r1', 2001)).toMatchObject({ n: 1, sum: 0.5 });
      expect(await store.observeQualitySums('nobody', 0)).toEqual({ n: 0, sum: 0, sumSq: 0 });
    });

    it('keeps the client, endpoint and model of a trace when it has them', async () => {
      const base: TraceRecord = {
        id: 'k1',
        route: 'legal',
        releaseId: release(1).id,
        arm: 'stable',
        stickyHash: null,
        status: 200,
        latencyMs: 3,
        promptTokens: 4,
        completionTokens: 0,
        costUsd: 0,
        slice: null,
        input: '[]',
        vars: '{}',
        output: '',
        createdAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
      };
      const keyed: TraceRecord = {
        ...base,
        id: 'k2',
        client: 'app-frontend',
        endpoint: 'embeddings',
        model: 'up/emb-1',
      };
      await store.insertTraces([base, keyed]);
      expect(await store.listTraces()).toEqual([base, keyed]);
    });

    it('keeps gateway keys by name: hashed, scoped, limited, revocable', async () => {
      await store.putGatewayKey({ hash: 'a'.repeat(64), name: 'app-frontend', routes: ['legal', 'medical'], rpm: 60 });
      await store.putGatewayKey({ hash: 'b'.repeat(64), name: 'batch', routes: null, rpm: null });
      await expect(
        store.putGatewayKey({ hash: 'c'.repeat(64), name: 'batch', routes: null, rpm: null }),
      ).rejects.toThrow(/exists already/);
      const keys = await store.gatewayKeys();
      expect(keys.map(({ createdAt, ...k }) => k)).toEqual([
        { hash: 'a'.repeat(64), name: 'app-frontend', routes: ['legal', 'medical'], rpm: 60 },
        { hash: 'b'.repeat(64), name: 'batch', routes: null, rpm: null },
      ]);
      expect(keys.every((k) => !Number.isNaN(Date.parse(k.createdAt)))).toBe(true);
      expect(await store.revokeGatewayKey('batch')).toBe(true);
      expect(await store.revokeGatewayKey('batch')).toBe(false);
      expect((await store.gatewayKeys()).map((k) => k.name)).toEqual(['app-frontend']);
    });

    it('caches gate outputs and records gate results, read back typed', async () => {
      const out = { input: 'q', text: 'a', latencyMs: 12.5, costUsd: 0.001, tokens: 30 };
      await store.putGateOutputs([{ releaseId: 'r1', itemId: 'i1', sample: 0, output: out }]);
      await store.putGateOutputs([{ releaseId: 'r1', itemId: 'i1', sample: 0, output: { ...out, text: 'b' } }]);
      expect(await store.gateOutputs('r1', 0)).toEqual(new Map([['i1', out]]));
      expect(await store.gateOutputs('r1', 1)).toEqual(new Map());
      // Every field a gate result carries reads back, the optional ones too (a schema that drops one loses it).
      const base = gateFixture();
      const result = {
        ...base,
        slices: base.slices.map((sl) => ({
          ...sl,
          p_fail: 0.5,
          mdd: 0.12,
          outcomes: { min: 'pass' as const, drop: 'inconclusive' as const },
        })),
        judged_with: {
          judge: { name: 'quality', digest: `sha256:${'c'.repeat(64)}`, config: `sha256:${'d'.repeat(64)}` },
          detectors: [],
          anchors: null,
        },
        decision: { multiplicity: 'holm' as const, alpha_fail: 0.01, alpha_pass: 0.025, power: 0.8 },
      };
      const record = {
        digest: result.digest,
        releaseId: result.release,
        baselineId: result.baseline,
        verdict: result.verdict,
        overridden: false,
        preprocessingDigest: result.preprocessing_digest,
        result,
        createdAt: result.at,
      };
      await store.insertGateResult({ ...record, verdict: 'fail', result: { ...result, verdict: 'fail' } });
      await store.insertGateResult(record);
      expect(await store.latestGateResult(result.release)).toEqual(record);
      expect(await store.latestGateResult('sha256:none')).toBeUndefined();
    });

    it("reads a judge's cached scores for the subjects asked, not its whole history", async () => {
      const scored = (score: number) => ({ ok: true as const, score, reason: 'fine' });
      const rows = Array.from({ length: 1200 }, (_, i) => ({ subject: `s${i}`, result: scored(i / 1200) }));
      await store.putJudgeScores('judge-a', rows);
      await store.putJudgeScores('judge-b', [{ subject: 's1', result: scored(0.99) }]);
      await store.putJudgeScores('judge-a', [{ subject: 's1', result: scored(0) }]); // kept once, unchanged
      const asked = ['s1', 's1', 'missing', 's1100', 's600'];
      expect(await store.judgeScores('judge-a', asked)).toEqual(
        new Map([
          ['s1', scored(1 / 1200)],
          ['s1100', scored(1100 / 1200)],
          ['s600', scored(600 / 1200)],
        ]),
      );
      expect(await store.judgeScores('judge-a', [])).toEqual(new Map());
      expect(await store.judgeScores('judge-b', ['s1', 's2'])).toEqual(new Map([['s1', scored(0.99)]]));
      const many = rows.map((r) => r.subject);
      expect((await store.judgeScores('judge-a', many)).size).toBe(1200);
    });

    it('announces route changes and queued commands to subscribers where the database pushes them', async () => {
      if (!store.subscribeRouteChanges || !store.subscribeCommands) {
        // No push (SQLite): readers poll the route-state version and the command queue.
        expect(factory.name).toBe('sqlite');
        expect(store.subscribeRouteChanges).toBeUndefined();
        expect(store.subscribeCommands).toBeUndefined();
        return;
      }
      let routes = 0;
      let commands = 0;
      const stopRoutes = await store.subscribeRouteChanges(() => routes++);
      const stopCommands = await store.subscribeCommands(() => commands++);
      try {
        const r = release(1);
        await store.insertRelease(r);
        await store.putRouteState({ route: 'legal', stable: r.id, candidate: null, weight: 0, rolloutId: null });
        await store.transaction((tx) => tx.queueCommand('ro-1', { kind: 'pause', actor: 'ana', at: 1 }));
        const until = Date.now() + 5000;
        while ((routes === 0 || commands === 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        expect(routes).toBeGreaterThan(0);
        expect(commands).toBeGreaterThan(0);
      } finally {
        await stopRoutes();
        await stopCommands();
      }
    });

    it('remembers decision keys once', async () => {
      await store.putDecisionKeys([{ key: 'ro-1/step/1', index: 4 }]);
      await store.putDecisionKeys([{ key: 'ro-1/step/1', index: 9 }]);
      expect(await store.decisionKeys(['ro-1/step/1', 'ro-1/step/2'])).toEqual(new Map([['ro-1/step/1', 4]]));
    });

    it('keeps control-API tokens by hash: expiry, last use, revocation that keeps the record', async () => {
      const hash = (n: number) => sha256Digest(`token-${n}`).slice(7);
      await store.putToken({ hash: hash(1), name: 'ci', role: 'operator', createdAt: '2026-01-01T00:00:00.000Z' });
      await store.putToken({
        hash: hash(2),
        name: 'dashboard',
        role: 'viewer',
        createdAt: '2026-01-02T00:00:00.000Z',
        expiresAt: '2026-02-01T00:00:00.000Z',
      });
      await store.putToken({ hash: hash(3), name: 'ci', role: 'viewer', createdAt: '2026-01-03T00:00:00.000Z' });
      expect(await store.tokenByHash(hash(2))).toEqual({
        hash: hash(2),
        name: 'dashboard',
        role: 'viewer',
        createdAt: '2026-01-02T00:00:00.000Z',
        expiresAt: '2026-02-01T00:00:00.000Z',
        lastUsedAt: null,
        revokedAt: null,
      });
      expect(await store.tokenByHash(hash(9))).toBeUndefined();
      await store.touchToken(hash(2), '2026-01-05T00:00:00.000Z');
      expect((await store.tokenByHash(hash(2)))?.lastUsedAt).toBe('2026-01-05T00:00:00.000Z');
      // By name: every token of that name; by an id (hash prefix): that one.
      expect(await store.revokeTokens('ci', '2026-01-06T00:00:00.000Z')).toBe(2);
      expect(await store.revokeTokens('ci', '2026-01-07T00:00:00.000Z')).toBe(0);
      expect(await store.revokeTokens(hash(2).slice(0, 12), '2026-01-08T00:00:00.000Z')).toBe(1);
      expect(await store.revokeTokens('nobody', '2026-01-08T00:00:00.000Z')).toBe(0);
      const listed = await store.listTokens();
      expect(listed.map((t) => [t.name, t.role, t.revokedAt])).toEqual([
        ['ci', 'operator', '2026-01-06T00:00:00.000Z'],
        ['dashboard', 'viewer', '2026-01-08T00:00:00.000Z'],
        ['ci', 'viewer', '2026-01-06T00:00:00.000Z'],
      ]);
      // Revoked tokens are kept: the control API stays guarded once a token has existed.
      expect(await store.tokenCount()).toBe(3);
    });

    it("reads one level of the audit log's tree nodes by index range, in order", async () => {
      const hash = (n: number) => Buffer.alloc(32, n);
      const entry = (index: number) => ({
        index,
        kind: 'register',
        subject: sha256Digest(`s-${index}`),
        actor: 'ana',
        leaf: Buffer.from(`leaf-${index}`),
        createdAt: new Date(0).toISOString(),
      });
      await store.appendAudit(
        [entry(0), entry(1), entry(2)],
        [
          { level: 0, index: 0, hash: hash(1) },
          { level: 0, index: 1, hash: hash(2) },
          { level: 1, index: 0, hash: hash(3) },
          { level: 0, index: 2, hash: hash(4) },
        ],
        { size: 3, note: 'checkpoint\n', createdAt: new Date(0).toISOString() },
      );
      const level0 = await store.auditNodesAt(0, 1, 3);
      expect(level0.map((n) => [n.index, Buffer.from(n.hash).toString('hex')])).toEqual([
        [1, hash(2).toString('hex')],
        [2, hash(4).toString('hex')],
      ]);
      expect((await store.auditNodesAt(1, 0, 5)).map((n) => n.index)).toEqual([0]);
      expect(await store.auditNodesAt(2, 0, 5)).toEqual([]);
    });
  });
}

describe('migrations', () => {
  it('are numbered in order without gaps', async () => {
    const { MIGRATIONS } = await import('./migrations.js');
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(typeof migrate).toBe('function');
  });
});
