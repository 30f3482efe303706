import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest, ProviderError } from '../model-provider.js';
import { OpenAiCompatibleProvider } from '../openai/openai-compatible-provider.js';
import { collect, rejectsWithKind } from '../test-support/recording-clock.js';
import { syntheticItems } from '../test-support/sim-fixture.js';
import { mean, tokenF1 } from '../test-support/token-f1.js';
import { Knowledge } from './knowledge.js';
import { SimEngine } from './sim-engine.js';
import { startSimServer, type SimServer } from './sim-server.js';
import { simFileSchema } from './sim-schema.js';

const items = syntheticItems({ 'legal/contracts': 60, 'legal/ip-licensing': 60 });
const file = simFileSchema.parse({
  models: {
    'legal-v1': { quality: { '*': 0.85, 'legal/ip-licensing': 0.41 }, latency_ms: { median: 50, p95: 90 } },
    flaky: { error_rate: 1 },
    rambling: { answer_tokens: { median: 3000, p95: 3100 }, fail_after_tokens: 2400 },
    'fr-hedger': { rules: [{ slices: ['fr'], hedging_rate: 1 }] },
  },
});
const engine = new SimEngine({ seed: 9, file, knowledge: new Knowledge(items) });
let server: SimServer;
let client: OpenAiCompatibleProvider;

beforeAll(async () => {
  server = await startSimServer({ engine, timeScale: 0, stallMs: 60_000 });
  client = new OpenAiCompatibleProvider({
    name: 'sim-http',
    baseUrl: server.url,
    retries: 0,
    timeoutMs: 2_000,
    maxConcurrency: 16,
  });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const req = (model: string, input: string): ChatRequest => ({
  model,
  messages: [{ role: 'user', content: input }],
  params: {},
});

describe('sim server through the OpenAI-compatible provider', () => {
  it('answers over HTTP exactly as the engine does in-process, at the slice quality', async () => {
    const scores = await Promise.all(
      items.map(async (it) => {
        const out = await client.chat(req('legal-v1', it.input));
        const local = engine.respond({ model: 'legal-v1', messages: [{ role: 'user', content: it.input }] });
        expect(local.kind === 'answer' && local.text).toBe(out.text);
        return { slice: it.slice, f1: tokenF1(out.text, it.reference!) };
      }),
    );
    expect(mean(scores.filter((s) => s.slice === 'legal/ip-licensing').map((s) => s.f1))).toBeCloseTo(0.41, 1);
    expect(mean(scores.filter((s) => s.slice === 'legal/contracts').map((s) => s.f1))).toBeCloseTo(0.85, 1);
  });

  it('streams with usage when asked to include it', async () => {
    const r = req('legal-v1', items[0]!.input);
    const whole = await client.chat(r);
    const chunks = await collect(client.chatStream(r));
    expect(chunks.map((c) => c.delta).join('')).toBe(whole.text);
    expect(chunks.at(-1)).toEqual({ delta: '', finishReason: 'stop', usage: whole.usage });
  });

  it('carries the slice hint as x-sluice-slice, so slice rules apply over HTTP too', async () => {
    const plain = await client.chat(req('fr-hedger', 'Puis-je résilier ?'));
    const hinted = await client.chat({ ...req('fr-hedger', 'Puis-je résilier ?'), hints: { slice: 'fr/fr-BE' } });
    expect(plain.text).not.toMatch(/consult/);
    expect(hinted.text).toMatch(/consult/);
  });

  it('lists its models and embeds', async () => {
    const res = await fetch(`${server.url}/models`);
    const body = (await res.json()) as { data: { id: string }[] };
    expect(body.data.map((m) => m.id)).toEqual(['legal-v1', 'flaky', 'rambling', 'fr-hedger']);
    const vectors = await client.embed('any', ['one text', 'another text']);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]).toEqual(engine.embed('one text'));
  });

  it('answers error_rate with a real 500 and an OpenAI error body', async () => {
    const err = await rejectsWithKind<ProviderError>(client.chat(req('flaky', 'hello')), 'upstream_status');
    expect(err.status).toBe(500);
    expect(err.message).toContain('simulated upstream error (server_error)');
  });

  it('stalls an overlong answer past the client timeout, and cuts its stream', async () => {
    const impatient = new OpenAiCompatibleProvider({
      name: 'sim-http',
      baseUrl: server.url,
      retries: 0,
      timeoutMs: 150,
    });
    await rejectsWithKind(impatient.chat(req('rambling', 'tell me everything')), 'timeout');
    await rejectsWithKind(collect(impatient.chatStream(req('rambling', 'tell me everything'))), 'stream_cut');
    await impatient.close();
  });

  it('gives 404 for an unknown model and 400 for a bad body', async () => {
    const err = await rejectsWithKind<ProviderError>(client.chat(req('nope', 'x')), 'upstream_status');
    expect(err.status).toBe(404);
    const res = await fetch(`${server.url}/chat/completions`, { method: 'POST', body: '{"model": 1}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
