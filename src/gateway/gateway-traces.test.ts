import { createHmac } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimServer } from '../providers/sim/sim-server.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { Store, TraceRecord } from '../store/store.js';
import { STORE_FACTORIES } from '../store/test-support/store-factories.js';
import { createGateway, type Gateway } from './gateway.js';
import { MemoryRouteTable } from './routing/route-table.js';
import { Redactor } from './sinks/redact.js';
import { StoreRouteTable } from './routing/store-route-table.js';
import { entry, manifest, registry, releaseRecord, startUpstream } from './test-support/gateway-fixture.js';

let upstream: SimServer;
const keeping = { redactor: new Redactor(), stickySecret: Buffer.alloc(32, 9) };
let providers: ProviderRegistry;

beforeAll(async () => {
  upstream = await startUpstream();
  providers = registry(upstream.url);
});
afterAll(async () => {
  await providers.close();
  await upstream.close();
});

const PII = {
  email: 'ana.lopez@example.com',
  phone: '+33 6 12 34 56 78',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
};
const question = `4111111111111111 is my card; mail ${PII.email}, call ${PII.phone}, card ${PII.card}, IBAN ${PII.iban}.`;

function expectRedacted(t: TraceRecord): void {
  for (const value of [...Object.values(PII), '4111111111111111']) {
    expect(t.input).not.toContain(value);
    expect(t.output).not.toContain(value);
  }
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`gateway with a store: ${factory.name}`, () => {
    let store: Store;
    let table: StoreRouteTable;
    let gateway: Gateway;
    let client: OpenAI;

    beforeEach(async () => {
      store = await factory.open();
      const stable = releaseRecord(manifest('legal', 'legal-v1'));
      const candidate = releaseRecord(manifest('legal', 'legal-v2'));
      const flaky = releaseRecord(manifest('flaky', 'flaky'));
      for (const r of [stable, candidate, flaky]) await store.insertRelease(r);
      await store.putRouteState({
        route: 'legal',
        stable: stable.id,
        candidate: candidate.id,
        weight: 50,
        rolloutId: 'r-1',
      });
      await store.putRouteState({ route: 'flaky', stable: flaky.id, candidate: null, weight: 0, rolloutId: null });
      table = await StoreRouteTable.open(store, { pollMs: 10 });
      // Nothing is written before close: close alone must get every trace into the store.
      gateway = createGateway({
        routes: table,
        providers,
        store,
        sticky: 'header:x-user',
        keeping,
        traceQueue: { flushMs: 60_000 },
        intervalSeconds: 60,
        gatewayId: 'gw-a',
      });
      client = new OpenAI({ baseURL: `${(await gateway.listen()).url}/v1`, apiKey: 'unused', maxRetries: 0 });
    });
    afterEach(async () => {
      await gateway.close();
      await table.close();
      await store.close();
    });

    it('records every routed request with PII redacted, and writes it all on close', async () => {
      const users = ['ana', 'ben', 'carla', 'dev', 'eve', 'femi'];
      const armOf: Record<string, string> = {};
      for (const user of users) {
        const { response } = await client.chat.completions
          .create(
            { model: 'legal', messages: [{ role: 'user', content: question }] },
            { headers: { 'x-user': user, 'x-sluice-slice': 'legal/privacy' } },
          )
          .withResponse();
        armOf[user] = response.headers.get('x-sluice-arm')!;
      }
      const stream = await client.chat.completions.create(
        { model: 'legal', messages: [{ role: 'user', content: question }], stream: true },
        { headers: { 'x-user': 'ana' } },
      );
      for await (const _ of stream) void _;
      await client.chat.completions
        .create({ model: 'flaky', messages: [{ role: 'user', content: 'hi' }] })
        .catch(() => {});
      await client.chat.completions
        .create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] })
        .catch(() => {});
      expect(await store.listTraces()).toEqual([]);

      await gateway.close();
      const traces = await store.listTraces();
      expect(traces).toHaveLength(users.length + 2);
      const legal = traces.filter((t) => t.route === 'legal');
      for (const t of legal) {
        expectRedacted(t);
        expect(t.input).toContain('[EMAIL]');
        expect(t.input).toContain('[PHONE]');
        expect(t.input).toContain('[CARD]');
        expect(t.input).toContain('[IBAN]');
        expect(JSON.parse(t.input)).toEqual([{ role: 'user', content: expect.any(String) }]);
        expect(t.output).toContain('[CARD]');
        expect(t.status).toBe(200);
        expect(t.promptTokens).toBeGreaterThan(0);
        expect(t.completionTokens).toBeGreaterThan(0);
        expect(t.latencyMs).toBeGreaterThan(0);
      }
      const byUser = new Map(users.map((u) => [createHmac('sha256', keeping.stickySecret).update(u).digest('hex'), u]));
      for (const t of legal) expect(t.arm).toBe(armOf[byUser.get(t.stickyHash!)!]);
      expect(legal.filter((t) => t.slice === 'legal/privacy')).toHaveLength(users.length);
      const flaky = traces.find((t) => t.route === 'flaky')!;
      expect([flaky.status, flaky.stickyHash, flaky.arm]).toEqual([502, null, 'stable']);

      const intervals = await store.armIntervals({ route: 'legal', rolloutId: 'r-1' });
      expect(intervals.reduce((n, r) => n + r.count, 0)).toBe(legal.length);
      expect(new Set(intervals.map((r) => r.gatewayId))).toEqual(new Set(['gw-a']));
      expect(intervals.every((r) => r.errors === 0 && r.tokens > 0 && r.latencyP95 >= r.latencyP50)).toBe(true);
      expect((await store.armIntervals({ route: 'flaky' }))[0]).toMatchObject({ rolloutId: '', count: 1, errors: 1 });
    });

    it('serves what the store says, following a weight change', async () => {
      const armOf = async (): Promise<string> => {
        const { response } = await client.chat.completions
          .create({ model: 'legal', messages: [{ role: 'user', content: 'hi' }] })
          .withResponse();
        return response.headers.get('x-sluice-arm')!;
      };
      const r = table.lookup('legal')!;
      await store.putRouteState({
        route: 'legal',
        stable: r.stable.id,
        candidate: r.candidate!.id,
        weight: 100,
        rolloutId: 'r-1',
      });
      await expect.poll(() => table.lookup('legal')?.weight, { timeout: 2000, interval: 10 }).toBe(100);
      expect(await Promise.all([armOf(), armOf(), armOf()])).toEqual(['canary', 'canary', 'canary']);
      await store.putRouteState({ route: 'legal', stable: r.stable.id, candidate: null, weight: 0, rolloutId: null });
      await expect.poll(() => table.lookup('legal')?.candidate, { timeout: 2000, interval: 10 }).toBe(null);
      expect(await armOf()).toBe('stable');
    });
  });
}

describe('gateway: the trace queue', () => {
  it('drops past its capacity without slowing requests, and counts the drops', async () => {
    let release = (): void => {};
    const blocked = new Promise<void>((r) => (release = r));
    const written: TraceRecord[] = [];
    const store = {
      insertTraces: async (rows: readonly TraceRecord[]) => {
        await blocked;
        written.push(...rows);
      },
      putArmIntervals: async () => {},
    };
    const gateway = createGateway({
      routes: new MemoryRouteTable([entry('legal', 0, null)]),
      providers,
      store,
      traceQueue: { capacity: 2, batchSize: 1, flushMs: 1 },
    });
    const client = new OpenAI({ baseURL: `${(await gateway.listen()).url}/v1`, apiKey: 'unused', maxRetries: 0 });
    for (let i = 0; i < 6; i++)
      await client.chat.completions.create({ model: 'legal', messages: [{ role: 'user', content: `q${i}` }] });
    const text = await gateway.metrics.text();
    const dropped = Number(/sluice_gateway_trace_queue_dropped_total (\d+)/.exec(text)?.[1]);
    expect(dropped).toBeGreaterThanOrEqual(3);
    release();
    await gateway.close();
    expect(written.length + dropped).toBe(6);
  });
});
