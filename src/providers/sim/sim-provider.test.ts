import { describe, expect, it } from 'vitest';
import type { ChatRequest, ProviderError } from '../model-provider.js';
import { collect, rejectsWithKind } from '../test-support/recording-clock.js';
import { syntheticItems } from '../test-support/sim-fixture.js';
import { Knowledge } from './knowledge.js';
import { SimEngine } from './sim-engine.js';
import { SimProvider } from './sim-provider.js';
import { simFileSchema } from './sim-schema.js';

const items = syntheticItems({ 'legal/ip-licensing': 20 });
const file = simFileSchema.parse({
  models: {
    good: { quality: { '*': 0.9, fr: 0.2 }, latency_ms: { median: 40, p95: 60 } },
    broken: { error_rate: 1 },
    rambling: { answer_tokens: { median: 3000, p95: 3100 }, fail_after_tokens: 2400 },
  },
});
const engine = new SimEngine({ seed: 11, file, knowledge: new Knowledge(items) });
const req = (model: string, input: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: [{ role: 'user', content: input }],
  params: { max_tokens: 4000 },
  ...extra,
});

describe('SimProvider', () => {
  const sim = new SimProvider({ name: 'sim', engine, timeScale: 0, timeoutMs: 5_000 });

  it('streams the same text it answers, ending with usage', async () => {
    const r = req('good', items[0]!.input);
    const whole = await sim.chat(r);
    const chunks = await collect(sim.chatStream(r));
    expect(chunks.map((c) => c.delta).join('')).toBe(whole.text);
    expect(chunks.at(-1)).toEqual({ delta: '', finishReason: 'stop', usage: whole.usage });
    expect(whole.model).toBe('good');
  });

  it('reads the slice from hints or the x-sluice-slice header, and the nonce header', async () => {
    const viaHint = await sim.chat(req('good', 'an unknown question', { hints: { slice: 'fr' } }));
    const viaHeader = await sim.chat(req('good', 'an unknown question', { headers: { 'X-Sluice-Slice': 'fr' } }));
    expect(viaHint.text).toBe(viaHeader.text);
    const nonced = await sim.chat(req('good', 'an unknown question', { headers: { 'x-sluice-sim-nonce': '42' } }));
    expect(nonced.text).not.toBe(viaHint.text);
  });

  it('fails with HTTP 500 as upstream_status', async () => {
    const err = await rejectsWithKind<ProviderError>(sim.chat(req('broken', 'hi')), 'upstream_status');
    expect(err.status).toBe(500);
    await rejectsWithKind(collect(sim.chatStream(req('broken', 'hi'))), 'upstream_status');
  });

  it('times out an overlong answer and cuts its stream after fail_after_tokens', async () => {
    const err = await rejectsWithKind<ProviderError>(sim.chat(req('rambling', 'tell me everything')), 'timeout');
    expect(err.status).toBe(504);
    const words: string[] = [];
    await rejectsWithKind(
      (async () => {
        for await (const c of sim.chatStream(req('rambling', 'tell me everything'))) words.push(c.delta);
      })(),
      'stream_cut',
    );
    expect(words.join('').split(/\s+/).filter(Boolean)).toHaveLength(2400);
  });

  it('refuses a model the file does not declare', async () => {
    const err = await rejectsWithKind<ProviderError>(sim.chat(req('missing', 'hi')), 'upstream_status');
    expect(err.status).toBe(404);
  });

  it('waits the simulated latency in real time scaled by timeScale, and stops when aborted', async () => {
    const slow = new SimProvider({ name: 'sim', engine, timeScale: 0.5 });
    const t0 = Date.now();
    await slow.chat(req('good', items[1]!.input));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(12);
    const ac = new AbortController();
    const call = new SimProvider({ name: 'sim', engine, timeScale: 100 }).chat(req('good', 'x', { signal: ac.signal }));
    ac.abort();
    await rejectsWithKind(call, 'aborted');
  });

  it('embeds deterministically: unit vectors, closer for overlapping texts', async () => {
    const [a, b, c] = await sim.embed('e', [
      'refund within fourteen days',
      'refund within thirty days',
      'trademark territory audit',
    ]);
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    expect(dot(a!, a!)).toBeCloseTo(1, 10);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    expect(await sim.embed('e', ['refund within fourteen days'])).toEqual([a]);
  });
});
