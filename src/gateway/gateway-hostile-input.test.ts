import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let providers: ProviderRegistry;
let gateway: Gateway;
let base: string;
const finished: Finished[] = [];

beforeAll(async () => {
  upstream = await startUpstream();
  providers = registry(upstream.url);
  const routes = new MemoryRouteTable([
    { route: 'legal', rolloutId: null, stable: servingRelease('legal', 'legal-v1'), candidate: null, weight: 0 },
  ]);
  gateway = createGateway({ routes, providers, sinks: [{ offer: (f) => finished.push(f), close: async () => {} }] });
  base = (await gateway.listen()).url;
});

afterAll(async () => {
  await gateway.close();
  await providers.close();
  await upstream.close();
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
    expect(finished).toHaveLength(0); // nothing of it reached a sink (traces, observer, shadow)
    const ok = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'legal', messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(ok.status).toBe(200);
    await ok.text();
  });
});
