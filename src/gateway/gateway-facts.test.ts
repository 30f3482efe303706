import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDigest } from '../kernel/canonical-json.js';
import type { PreprocessStep } from '../config/release-schema.js';
import { PREPROCESS_LIBRARY, preprocessDigest } from '../release/preprocess.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { SimServer } from '../providers/sim/sim-server.js';
import { createGateway, type Gateway } from './gateway.js';
import type { Finished } from './http/chat.js';
import { MemoryRouteTable } from './routing/route-table.js';
import { manifest, registry, startUpstream } from './test-support/gateway-fixture.js';

let upstream: SimServer;
let providers: ProviderRegistry;
let gateway: Gateway;
let base: string;
const finished: Finished[] = [];

const steps: PreprocessStep[] = [{ op: 'trim' }, { op: 'lowercase' }];
const m = manifest('legal', 'legal-v1', 'up', {
  preprocessing: { library: PREPROCESS_LIBRARY, steps, digest: preprocessDigest(steps) },
});

beforeAll(async () => {
  upstream = await startUpstream();
  providers = registry(upstream.url);
  const routes = new MemoryRouteTable([
    { route: 'legal', rolloutId: null, stable: { id: jsonDigest(m), manifest: m }, candidate: null, weight: 0 },
  ]);
  gateway = createGateway({ routes, providers, sinks: [{ offer: (f) => finished.push(f), close: async () => {} }] });
  base = (await gateway.listen()).url;
});

afterAll(async () => {
  await gateway.close();
  await providers.close();
  await upstream.close();
});

async function ask(body: object, headers: Record<string, string> = {}): Promise<Finished> {
  const before = finished.length;
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'legal', ...body }),
  });
  expect(res.status).toBe(200);
  await res.text();
  await expect.poll(() => finished.length).toBeGreaterThan(before);
  return finished[before]!;
}

describe('gateway: the facts of a request, computed once for every sink', () => {
  it('takes the slice from x-sluice-slice, else metadata.slice, validated', async () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    expect((await ask({ messages }, { 'x-sluice-slice': ' fr/fr-BE ' })).slice).toBe('fr/fr-BE');
    expect((await ask({ messages, metadata: { slice: 'de' } })).slice).toBe('de');
    expect((await ask({ messages, metadata: { slice: 'ana@example.com' } })).slice).toBeUndefined();
    expect((await ask({ messages })).slice).toBeUndefined();
  });

  it('refuses an x-sluice-slice that is not a slice name: 400 naming the rule, nothing recorded', async () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    const before = finished.length;
    for (const bad of ['a//b', 'has space', 'ana@example.com', 'x'.repeat(129), 'a/b/c/d/e/f/g/h/i', '../x']) {
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sluice-slice': bad },
        body: JSON.stringify({ model: 'legal', messages }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_slice');
      expect(body.error.message).toContain('at most 128 characters');
    }
    expect(finished.length).toBe(before);
    expect((await ask({ messages }, { 'x-sluice-slice': `${'x'.repeat(120)}/fr-BE` })).slice).toBe(
      `${'x'.repeat(120)}/fr-BE`,
    );
    expect((await ask({ messages }, { 'x-sluice-slice': 'médical/pédiatrie' })).slice).toBe('médical/pédiatrie');
  });

  it('hands over the judged input: the last user text after the release preprocessing', async () => {
    const f = await ask({ messages: [{ role: 'user', content: '  What Is A Royalty Clause?  ' }] });
    expect(f.input).toBe('what is a royalty clause?');
    const parts = await ask({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'First PART' },
            { type: 'text', text: 'Second' },
          ],
        },
      ],
    });
    expect(parts.input).toBe('first part\nsecond');
  });
});
