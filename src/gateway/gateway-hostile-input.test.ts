import { request } from 'node:http';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJson, startWireServer, type WireServer } from '../providers/test-support/wire-server.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { SimServer } from '../providers/sim/sim-server.js';
import { createGateway, type Gateway } from './gateway.js';
import type { Finished } from './http/chat.js';
import { MAX_JSON_DEPTH } from './http/json-depth.js';
import { MemoryRouteTable } from './routing/route-table.js';
import { registry, servingRelease, startUpstream } from './test-support/gateway-fixture.js';

// Clients that send what no well-behaved client would: the gateway answers each with an
// OpenAI-style error, keeps serving everyone else, and records nothing it cannot keep.

let upstream: SimServer;
let holding: WireServer;
let providers: ProviderRegistry;
let gateway: Gateway;
let base: string;
const finished: Finished[] = [];
/** The calls the holding upstream has not answered yet. */
const held: ServerResponse[] = [];
const BUDGET = 4 * 1024 * 1024;

const answer = (res: ServerResponse) =>
  sendJson(res, 200, {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }],
  });

beforeAll(async () => {
  upstream = await startUpstream();
  holding = await startWireServer((_req, res) => {
    held.push(res);
  });
  providers = registry(upstream.url, { hold: { base_url: `${holding.url}/v1`, timeout_ms: 30_000 } });
  const routes = new MemoryRouteTable([
    { route: 'legal', rolloutId: null, stable: servingRelease('legal', 'legal-v1'), candidate: null, weight: 0 },
    { route: 'held', rolloutId: null, stable: servingRelease('held', 'm', 'hold'), candidate: null, weight: 0 },
  ]);
  gateway = createGateway({
    routes,
    providers,
    maxBodyBytesInFlight: BUDGET,
    sinks: [{ offer: (f) => finished.push(f), close: async () => {} }],
  });
  base = (await gateway.listen()).url;
});

afterAll(async () => {
  for (const res of held.splice(0)) answer(res);
  await gateway.close();
  await providers.close();
  await upstream.close();
  await holding.close();
});

const post = (path: string, body: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('gateway: deeply nested JSON', () => {
  it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} levels with a 400 naming the limit, on every endpoint`, async () => {
    for (const depth of [10_000, 100_000]) {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      for (const path of ['/v1/chat/completions', '/v1/responses', '/v1/embeddings']) {
        const body =
          path === '/v1/chat/completions'
            ? `{"model":"legal","messages":[{"role":"user","content":${deep}}]}`
            : `{"model":"legal","input":${deep}}`;
        const res = await post(path, body);
        expect(res.status).toBe(400);
        const json = (await res.json()) as { error: { type: string; code: string; message: string } };
        expect(json.error).toMatchObject({ type: 'invalid_request_error', code: 'json_too_deep' });
        expect(json.error.message).toContain(`${MAX_JSON_DEPTH} levels`);
      }
    }
    expect(finished.filter((f) => f.entry.route === 'legal')).toHaveLength(0); // nothing of it reached a sink
    const ok = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'legal', messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(ok.status).toBe(200);
    await ok.text();
  });
});

/** A chat body of about `bytes` bytes for `route`. */
const bigBody = (route: string, bytes: number): string =>
  JSON.stringify({ model: route, messages: [{ role: 'user', content: 'a'.repeat(bytes - 80) }] });

/** POSTs a body without a Content-Length (chunked), as a streaming client would; resolves with status and headers. */
function chunkedPost(body: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}/v1/chat/completions`);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined });
      },
    );
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024));
    req.end();
  });
}

describe('gateway: many large bodies at once', () => {
  it('holds at most max_body_bytes_in_flight of request bodies: the rest get 503 with retry-after, /healthz answers', async () => {
    // Four bodies of about 1 MB fill the 4 MiB budget and stay held: the upstream does not answer them yet.
    const first = Array.from({ length: 4 }, () => post('/v1/chat/completions', bigBody('held', 1_000_000)));
    await expect.poll(() => held.length).toBe(4);

    // Twenty more, all at once: each refused before its body is read.
    const refused = await Promise.all(
      Array.from({ length: 20 }, () => post('/v1/chat/completions', bigBody('held', 1_000_000))),
    );
    for (const res of refused) {
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toMatchObject({ error: { type: 'server_error', code: 'overloaded' } });
    }
    // Without a Content-Length the body is counted as it arrives, and refused as soon as it does not fit.
    expect(await chunkedPost(bigBody('held', 1_000_000))).toEqual({ status: 503, retryAfter: '1' });
    expect(held).toHaveLength(4); // none of them reached the upstream

    // The gateway itself is fine: health, metrics, and a small request that fits what is left.
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    const small = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'legal', messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(small.status).toBe(200);
    await small.text();
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // The four held bodies, exactly: the refused ones took nothing, the small one gave its bytes back.
    expect(metrics).toContain(
      `sluice_gateway_body_bytes_in_flight ${4 * Buffer.byteLength(bigBody('held', 1_000_000))}\n`,
    );
    expect(metrics).toMatch(/sluice_gateway_errors_total\{[^}]*code="overloaded"[^}]*\} 21/);

    // Once the held requests are answered, their bytes are given back and large bodies are taken again.
    for (const res of held.splice(0)) answer(res);
    for (const res of await Promise.all(first)) expect(res.status).toBe(200);
    const again = post('/v1/chat/completions', bigBody('held', 1_000_000));
    await expect.poll(() => held.length).toBe(1);
    answer(held.shift()!);
    expect((await again).status).toBe(200);
  });
});
