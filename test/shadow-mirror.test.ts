import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/gateway/gateway.js';
import { MemoryRouteTable, type RouteEntry } from '../src/gateway/routing/route-table.js';
import { shadowRequest, shadowSelected } from '../src/shadow/mirror.js';
import { entry, registry, servingRelease, startUpstream } from '../src/gateway/test-support/gateway-fixture.js';
import type { SimServer } from '../src/providers/sim/sim-server.js';
import { hang, startWireServer, type WireServer } from '../src/providers/test-support/wire-server.js';
import type { ShadowPairRecord } from '../src/store/store.js';

describe('shadowSelected', () => {
  it('mirrors the given share of requests, the same way for the same request id', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `req-${i}`);
    const share = ids.filter((id) => shadowSelected(id, 25)).length / ids.length;
    expect(share).toBeGreaterThan(0.235);
    expect(share).toBeLessThan(0.265);
    const again = ids.map((id) => shadowSelected(id, 25));
    expect(ids.map((id) => shadowSelected(id, 25))).toEqual(again);
    expect(ids.filter((id) => shadowSelected(id, 0))).toHaveLength(0);
    expect(ids.every((id) => shadowSelected(id, 100))).toBe(true);
  });
});

describe('shadowRequest', () => {
  const base = {
    messages: [{ role: 'user' as const, content: 'hi' }],
    extra: { tools: [{ type: 'function' }], tool_choice: 'auto', n: 2 },
    upstreamHeaders: { 'x-extra': 'a' },
  };
  it('marks the upstream call and strips tools only when asked', () => {
    expect(shadowRequest(base, { stripTools: false })).toEqual({
      messages: base.messages,
      extra: base.extra,
      upstreamHeaders: { 'x-extra': 'a', 'x-sluice-shadow': '1' },
    });
    expect(shadowRequest(base, { stripTools: true })).toEqual({
      messages: base.messages,
      extra: { n: 2 },
      upstreamHeaders: { 'x-extra': 'a', 'x-sluice-shadow': '1' },
    });
  });
});

let upstream: SimServer | undefined;
let stalled: WireServer | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  await upstream?.close();
  await stalled?.close();
  gateway = upstream = stalled = undefined;
});

describe('shadow mirroring in the gateway', () => {
  async function setup(route: RouteEntry, opts: { shadowHangs?: boolean } = {}) {
    upstream = await startUpstream();
    stalled = await startWireServer(
      opts.shadowHangs ? hang : (_r, res) => res.writeHead(500).end('{"error":{"message":"down"}}'),
    );
    const pairs: ShadowPairRecord[] = [];
    const store = {
      insertTraces: async () => {},
      putArmIntervals: async () => {},
      insertShadowPairs: async (rows: readonly ShadowPairRecord[]) => void pairs.push(...rows),
    };
    const providers = registry(upstream.url, { stalled: { base_url: `${stalled.url}/v1`, timeout_ms: 30_000 } });
    gateway = createGateway({ routes: new MemoryRouteTable([route]), providers, store, closeGraceMs: 200 });
    const client = new OpenAI({ baseURL: `${(await gateway.listen()).url}/v1`, apiKey: 'unused', maxRetries: 0 });
    return { client, pairs };
  }
  const ask = (client: OpenAI, content = 'What is a licence?') =>
    client.chat.completions.create({ model: 'legal', messages: [{ role: 'user', content }] }).withResponse();

  it('answers at once while the shadow upstream hangs, and a shadow that never answers stores nothing', async () => {
    const stable = entry('legal', 0, null);
    const { client, pairs } = await setup(
      { ...stable, shadow: { release: servingRelease('legal', 'legal-v2', 'stalled'), percent: 100 } },
      { shadowHangs: true },
    );
    const t0 = performance.now();
    const { data, response } = await ask(client);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(response.headers.get('x-sluice-release')).toBe(stable.stable.id);
    expect(data.choices[0]!.message.content).toBeTruthy();
    await expect.poll(() => stalled!.received.length).toBe(1);
    expect(stalled!.received[0]!.headers['x-sluice-shadow']).toBe('1');
    expect(gateway!.shadow!.stats.pending).toBe(1);
    await gateway!.close();
    expect(gateway!.shadow!.stats).toMatchObject({ mirrored: 0, failed: 1, pending: 0 });
    expect(pairs).toHaveLength(0);
  });

  it('leaves a failing shadow out of the pairs and out of the client response', async () => {
    const stable = entry('legal', 0, null);
    const { client, pairs } = await setup({
      ...stable,
      shadow: { release: servingRelease('legal', 'legal-v2', 'stalled'), percent: 100 },
    });
    const { response } = await ask(client);
    expect(response.status).toBe(200);
    await gateway!.flush();
    expect(gateway!.shadow!.stats).toMatchObject({ failed: 1, mirrored: 0 });
    expect(await gateway!.metrics.text()).toMatch(
      /sluice_gateway_shadow_requests_total\{route="legal",outcome="error"\} 1/,
    );
    expect(pairs).toHaveLength(0);
  });

  it('does not mirror the canary arm', async () => {
    // Canary at 100%: every request is the canary's, none is mirrored.
    const canary = entry('legal', 100, 'rollout-1');
    const { client, pairs } = await setup({
      ...canary,
      shadow: { release: servingRelease('legal', 'legal-v1'), percent: 100 },
    });
    for (let i = 0; i < 3; i++)
      expect((await ask(client, `question ${i}`)).response.headers.get('x-sluice-arm')).toBe('canary');
    await gateway!.flush();
    expect(pairs).toHaveLength(0);
  });

  it('does not mirror a stable answer that failed', async () => {
    const broken: RouteEntry = {
      route: 'legal',
      rolloutId: null,
      stable: servingRelease('legal', 'flaky'),
      candidate: null,
      weight: 0,
      shadow: { release: servingRelease('legal', 'legal-v2'), percent: 100 },
    };
    const { client, pairs } = await setup(broken);
    await expect(ask(client)).rejects.toMatchObject({ status: 502 });
    await gateway!.flush();
    expect(gateway!.shadow!.stats).toMatchObject({ mirrored: 0, failed: 0, dropped: 0 });
    expect(pairs).toHaveLength(0);
  });

  it('stores a pair per mirrored request with both answers, latencies and the request slice', async () => {
    const stable = entry('legal', 0, null);
    const { client, pairs } = await setup({
      ...stable,
      shadow: { release: servingRelease('legal', 'legal-v2'), percent: 100 },
    });
    const { data } = await client.chat.completions
      .create(
        {
          model: 'legal',
          user: 'u1',
          messages: [{ role: 'user', content: 'Mail me at jane@example.com about the lease' }],
        },
        { headers: { 'x-sluice-slice': 'fr/fr-BE' } },
      )
      .withResponse();
    await gateway!.flush();
    expect(pairs).toHaveLength(1);
    const p = pairs[0]!;
    expect(p).toMatchObject({
      id: data.id.replace(/^chatcmpl-/, ''),
      route: 'legal',
      stableRelease: stable.stable.id,
      slice: 'fr/fr-BE',
      stableOutput: data.choices[0]!.message.content,
    });
    expect(p.input).toBe('Mail me at [EMAIL] about the lease');
    expect(p.stickyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(p.shadowOutput.length).toBeGreaterThan(0);
    expect(p.stableLatencyMs).toBeGreaterThan(0);
    expect(p.shadowLatencyMs).toBeGreaterThan(0);
  });
});
