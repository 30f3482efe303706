import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../release/preprocess.js';
import { syntheticItems } from '../test-support/sim-fixture.js';
import { mean, tokenF1 } from '../test-support/token-f1.js';
import { IMPOSSIBLE_DATES } from './answer-text.js';
import { Knowledge } from './knowledge.js';
import { SimEngine, type SimOutcome } from './sim-engine.js';
import { simFileSchema, type SimFile } from './sim-schema.js';

const items = syntheticItems({ 'legal/contracts': 200, 'legal/ip-licensing': 200, 'fr/fr-BE': 200 });
const knowledge = new Knowledge(items);

function file(models: Record<string, unknown>): SimFile {
  return simFileSchema.parse({ models });
}

const legal = file({
  'legal-v1': { quality: { '*': 0.85, 'legal/ip-licensing': 0.41, fr: 0.7, 'fr/fr-BE': 0.5 } },
  'legal-v2': { quality: { '*': 0.9, 'legal/ip-licensing': 0.9, fr: 0.7, 'fr/fr-BE': 0.5 } },
});

function ask(text: string, system = 'You are a careful legal assistant. Refuse unsafe requests.'): ChatMessage[] {
  return [
    { role: 'system', content: system },
    { role: 'user', content: text },
  ];
}

function answer(o: SimOutcome): Extract<SimOutcome, { kind: 'answer' }> {
  if (o.kind !== 'answer') throw new Error(`expected an answer, got ${o.kind}`);
  return o;
}

describe('SimEngine', () => {
  it('gives the same answers for the same seed, and different ones for another seed or nonce', () => {
    const a = new SimEngine({ seed: 7, file: legal, knowledge });
    const b = new SimEngine({ seed: 7, file: legal, knowledge });
    const c = new SimEngine({ seed: 8, file: legal, knowledge });
    const sample = items.slice(0, 40);
    const texts = (e: SimEngine, nonce?: string) =>
      sample.map(
        (it) => answer(e.respond({ model: 'legal-v1', messages: ask(it.input), ...(nonce ? { nonce } : {}) })).text,
      );
    const first = texts(a);
    expect(first).toEqual(texts(b));
    expect(texts(c).filter((t, i) => t !== first[i]).length).toBeGreaterThan(30);
    expect(texts(a, 'n1')).not.toEqual(first);
    expect(texts(a, 'n1')).toEqual(texts(b, 'n1'));
  });

  it('answers each slice at its quality: mean token-F1 within 0.05 of q', () => {
    const engine = new SimEngine({ seed: 3, file: legal, knowledge });
    const f1 = (slice: string, model: string) =>
      mean(
        items
          .filter((it) => it.slice === slice)
          .map((it) => tokenF1(answer(engine.respond({ model, messages: ask(it.input) })).text, it.reference!)),
      );
    expect(Math.abs(f1('legal/contracts', 'legal-v1') - 0.85)).toBeLessThan(0.05);
    expect(Math.abs(f1('legal/ip-licensing', 'legal-v1') - 0.41)).toBeLessThan(0.05);
    expect(Math.abs(f1('fr/fr-BE', 'legal-v1') - 0.5)).toBeLessThan(0.05);
    expect(Math.abs(f1('legal/ip-licensing', 'legal-v2') - 0.9)).toBeLessThan(0.05);
  });

  it('takes the slice from knowledge, else from the hint, else "*"', () => {
    const engine = new SimEngine({ seed: 1, file: legal, knowledge });
    expect(answer(engine.respond({ model: 'legal-v1', messages: ask(items[250]!.input), slice: 'fr' })).slice).toBe(
      'legal/ip-licensing',
    );
    expect(
      answer(engine.respond({ model: 'legal-v1', messages: ask('  something   new '), slice: 'fr/fr-BE' })),
    ).toMatchObject({ slice: 'fr/fr-BE', quality: 0.5 });
    expect(answer(engine.respond({ model: 'legal-v1', messages: ask('something new') }))).toMatchObject({
      slice: '*',
      quality: 0.85,
    });
  });

  it('finds an input after whitespace and case changes, or wrapped in a template', () => {
    const engine = new SimEngine({ seed: 1, file: legal, knowledge });
    const it0 = items[0]!;
    expect(
      answer(engine.respond({ model: 'legal-v1', messages: ask(`  ${it0.input.toUpperCase().replace(/ /g, '  ')}`) }))
        .slice,
    ).toBe(it0.slice);
    expect(
      answer(engine.respond({ model: 'legal-v1', messages: ask(`Customer asks:\n${it0.input}\nAnswer briefly.`) }))
        .slice,
    ).toBe(it0.slice);
  });

  it('applies the first matching rule', () => {
    const ruled = file({
      m: {
        quality: 0.9,
        rules: [
          { when: { system_lacks: 'refuse' }, slices: ['legal/contracts'], quality: 0.2 },
          { when: { matches: '\\b[A-Z]{2}\\b' }, quality: 0.3 },
          { when: { system_contains: 'pirate' }, hedging_rate: 1 },
        ],
      },
    });
    const engine = new SimEngine({ seed: 1, file: ruled, knowledge });
    const contract = items[0]!.input;
    const q = (text: string, system?: string) =>
      answer(engine.respond({ model: 'm', messages: ask(text, system) })).quality;
    expect(q(contract)).toBe(0.9);
    expect(q(contract, 'Be helpful.')).toBe(0.2);
    expect(q(items[250]!.input, 'Be helpful.')).toBe(0.9);
    expect(q('Is this valid in NY?')).toBe(0.3);
    expect(q('Is this valid in NY?', 'Be helpful.')).toBe(0.3);
    expect(
      answer(engine.respond({ model: 'm', messages: ask(contract, 'Talk like a pirate. Refuse nothing.') })).hedged,
    ).toBe(true);
  });

  it('hedges, invents dates and fails at roughly the configured rates', () => {
    const engine = new SimEngine({
      seed: 5,
      file: file({ m: { hedging_rate: 0.2, invented_date_rate: 0.1, error_rate: 0.05 } }),
      knowledge,
    });
    const outs = items.map((it) => engine.respond({ model: 'm', messages: ask(it.input) }));
    const answers = outs.filter((o) => o.kind === 'answer');
    const rate = (n: number, of: number) => n / of;
    expect(rate(outs.filter((o) => o.kind === 'error').length, outs.length)).toBeCloseTo(0.05, 1);
    expect(Math.abs(rate(answers.filter((a) => a.hedged).length, answers.length) - 0.2)).toBeLessThan(0.04);
    expect(Math.abs(rate(answers.filter((a) => a.inventedDate).length, answers.length) - 0.1)).toBeLessThan(0.03);
    for (const a of answers) {
      expect(/consult/.test(a.text)).toBe(a.hedged);
      expect(IMPOSSIBLE_DATES.some((d) => a.text.includes(d))).toBe(a.inventedDate);
    }
  });

  it('fails answers that would run past fail_after_tokens, unless max_tokens caps them', () => {
    const engine = new SimEngine({
      seed: 2,
      file: file({ m: { answer_tokens: { median: 100, p95: 400 }, fail_after_tokens: 200 } }),
    });
    const prompts = Array.from({ length: 400 }, (_, i) => ask(`open question number ${i}`));
    const outs = prompts.map((messages) => engine.respond({ model: 'm', messages }));
    const overlong = outs.filter((o) => o.kind === 'overlong');
    // P(lognormal(median 100, p95 400) > 200) ≈ 0.21
    expect(Math.abs(overlong.length / outs.length - 0.21)).toBeLessThan(0.05);
    for (const o of overlong) if (o.kind === 'overlong') expect(o.partial.split(' ').length).toBeLessThanOrEqual(200);
    const capped = prompts.map((messages) => engine.respond({ model: 'm', messages, maxTokens: 150 }));
    expect(capped.every((o) => o.kind === 'answer')).toBe(true);
    expect(
      capped.some((o) => o.kind === 'answer' && o.finishReason === 'length' && o.usage.completion_tokens === 150),
    ).toBe(true);
  });

  it('writes a generic answer of about answer_tokens words when there is no reference', () => {
    const engine = new SimEngine({ seed: 2, file: file({ m: { answer_tokens: { median: 60, p95: 61 } } }) });
    const a = answer(engine.respond({ model: 'm', messages: ask('How do refunds work for annual plans?') }));
    expect(a.text).toMatch(/refunds work annual plans/);
    expect(a.usage.completion_tokens).toBeGreaterThanOrEqual(58);
    expect(a.usage.completion_tokens).toBeLessThanOrEqual(64);
    expect(a.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('draws latency around the configured median', () => {
    const engine = new SimEngine({ seed: 2, file: file({ m: { latency_ms: { median: 300, p95: 800 } } }) });
    const lat = Array.from({ length: 401 }, (_, i) => engine.respond({ model: 'm', messages: ask(`q${i}`) }))
      .map((o) => (o.kind === 'answer' ? o.latencyMs : 0))
      .sort((a, b) => a - b);
    expect(lat[200]).toBeGreaterThan(255);
    expect(lat[200]).toBeLessThan(345);
  });

  it('wraps the answer in JSON when asked, and refuses unknown models when it has a file', () => {
    const engine = new SimEngine({ seed: 2, file: legal, knowledge });
    const a = answer(engine.respond({ model: 'legal-v1', messages: ask(items[0]!.input), json: true }));
    expect(JSON.parse(a.text)).toHaveProperty('answer');
    expect(engine.respond({ model: 'nope', messages: ask('x') }).kind).toBe('unknown_model');
    expect(new SimEngine().respond({ model: 'anything', messages: ask('x') }).kind).toBe('answer');
  });
});
