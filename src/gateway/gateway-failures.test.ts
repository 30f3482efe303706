import { request } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimServer } from '../providers/sim/sim-server.js';
import { hang, openSse, startWireServer, type WireServer } from '../providers/test-support/wire-server.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { createGateway, type Gateway } from './gateway.js';
import { MemoryRouteTable, type RouteEntry } from './routing/route-table.js';
import { registry, servingRelease, startUpstream } from './test-support/gateway-fixture.js';

let upstream: SimServer;
let wire: WireServer;
let providers: ProviderRegistry;
let gateway: Gateway;
let client: OpenAI;
let base: string;

const route = (name: string, model: string, provider: string): RouteEntry => ({
  route: name,
  rolloutId: null,
  stable: servingRelease(name, model, provider),
  candidate: null,
  weight: 0,
});

beforeAll(async () => {
  upstream = await startUpstream(30_000);
  wire = await startWireServer((req, res) => {
    const model = (req.body as { model?: string } | undefined)?.model;
    if (model === 'not-json') return res.end('this is not JSON');
    if (model === 'hang-stream') {
      const send = openSse(res);
      send({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 0,
        model,
        choices: [{ index: 0, delta: { role: 'assistant', content: 'first words' } }],
      });
      return hang();
    }
    return hang();
  });
  providers = registry(upstream.url, {
    slow: { base_url: upstream.url, timeout_ms: 300 },
    wire: { base_url: `${wire.url}/v1`, timeout_ms: 20_000 },
  });
  const routes = new MemoryRouteTable([
    route('legal', 'legal-v1', 'up'),
    route('timeout', 'rambling', 'slow'),
    route('cut', 'rambling', 'up'),
    route('hang', 'hang', 'wire'),
    route('hang-stream', 'hang-stream', 'wire'),
    route('garbage', 'not-json', 'wire'),
  ]);
  gateway = createGateway({ routes, providers });
  base = (await gateway.listen()).url;
  client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gateway.close();
  await providers.close();
  await upstream.close();
  await wire.close();
});

const ask = (model: string) => ({
  model,
  messages: [{ role: 'user' as const, content: 'Tell me everything about leases.' }],
});

async function stillServing(): Promise<void> {
  const ok = await client.chat.completions.create(ask('legal'));
  expect(ok.choices[0]?.message.content).toBeTruthy();
}

/** Sends a raw request body, however large; resolves with the status (or the socket error). */
function rawPost(body: Buffer, declareLength: boolean): Promise<{ status?: number; json?: unknown; error?: string }> {
  return new Promise((resolve) => {
    const req = request(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: declareLength ? { 'content-length': body.length } : { 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(parts).toString()) as unknown }),
      );
    });
    req.on('error', (e) => resolve({ error: e.message }));
    for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    req.end();
  });
}

describe('gateway: failures end in an OpenAI error, never a crash', () => {
  it('maps an upstream timeout to 504', async () => {
    const err = await client.chat.completions.create(ask('timeout')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_timeout');
    await stillServing();
  });

  it('maps an upstream answer that is not JSON to 502', async () => {
    const err = await client.chat.completions.create(ask('garbage')).catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_malformed');
  });

  it('ends a stream the upstream cut with an error the client sees, and keeps serving', async () => {
    const stream = await client.chat.completions.create({ ...ask('cut'), stream: true });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text.length).toBeGreaterThan(0);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toMatch(/stream/);
    await stillServing();
  });

  it('refuses a body over the limit with 413, declared or not, and keeps serving', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 'a');
    const declared = await rawPost(big, true);
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ error: { type: 'invalid_request_error', code: 'request_too_large' } });
    const chunked = await rawPost(big, false);
    if (chunked.error === undefined) expect(chunked.status).toBe(413);
    await stillServing();
  });
});

describe('gateway: a client that goes away', () => {
  it('aborts the upstream call of a non-streaming request', async () => {
    const before = wire.received.length;
    const abort = new AbortController();
    const pending = fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(ask('hang')),
      signal: abort.signal,
    }).catch(() => 'aborted');
    await expect.poll(() => wire.received.length).toBe(before + 1);
    abort.abort();
    expect(await pending).toBe('aborted');
    await wire.received[before]!.closed;
    expect(wire.received[before]!.finished()).toBe(false);
  });

  it('aborts the upstream stream when the client stops reading midway', async () => {
    const before = wire.received.length;
    const abort = new AbortController();
    const stream = await client.chat.completions.create(
      { ...ask('hang-stream'), stream: true },
      { signal: abort.signal },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break; // leaving the loop aborts the response
    }
    await wire.received[before]!.closed;
    expect(wire.received[before]!.finished()).toBe(false);
    await stillServing();
  });
});
