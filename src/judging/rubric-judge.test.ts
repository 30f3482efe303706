import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../kernel/digest.js';
import { ProviderError } from '../providers/model-provider.js';
import { parseJsonReply } from './json-reply.js';
import { rubricJudge } from './rubric-judge.js';
import { linearScore, parseRubricReply } from './rubric-reply.js';
import { ScriptedProvider, userText, type Script } from './test-support/scripted-provider.js';

const RUBRIC = 'Score 5 when the answer cites the statute; 1 when it is wrong.';

function judge(replies: Script[], scale: readonly [number, number] = [1, 5], model = 'judge-model') {
  const provider = new ScriptedProvider(replies);
  const j = rubricJudge({
    name: 'quality',
    provider,
    providerName: 'up',
    model,
    rubric: RUBRIC,
    rubricDigest: sha256Digest(RUBRIC),
    scale,
  });
  return { provider, judge: j };
}

const item = {
  input: 'What is a licence?',
  output: 'A permission.\n  Indented line.',
  reference: 'A grant of rights.',
  slice: 'legal/ip',
};

describe('rubric reply parsing', () => {
  it('reads plain and fenced JSON', () => {
    expect(parseRubricReply('{"score": 4, "reason": "ok"}', [1, 5])).toEqual({
      ok: true,
      value: { score: 4, reason: 'ok' },
    });
    expect(parseRubricReply('```json\n{"score": 2, "reason": "thin"}\n```', [1, 5])).toEqual({
      ok: true,
      value: { score: 2, reason: 'thin' },
    });
    expect(parseRubricReply('  ```\n{"score": 3}\n```  ', [1, 5])).toEqual({ ok: true, value: { score: 3 } });
  });

  it('refuses garbage, prose, strings and scores off the scale', () => {
    for (const text of [
      'I think 4/5',
      '',
      'Score: {"score": 4}',
      '{"score": "4"}',
      '{"reason": "x"}',
      '[4]',
      '{"score": 4, "reason": 7}',
    ]) {
      expect(parseRubricReply(text, [1, 5]).ok).toBe(false);
    }
    expect(parseRubricReply('{"score": 6}', [1, 5])).toEqual({
      ok: false,
      error: { code: 'bad_reply', message: 'judge score 6 is off the scale [1, 5]' },
    });
    expect(parseRubricReply('{"score": 0.5}', [1, 5]).ok).toBe(false);
  });

  it('maps raw scores linearly to [0, 1]', () => {
    expect([1, 2, 3, 4, 5].map((s) => linearScore(s, [1, 5]))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linearScore(7, [0, 10])).toBeCloseTo(0.7);
  });

  it('strips only a fence that wraps the whole reply', () => {
    expect(parseJsonReply('```\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonReply('here:\n```\n{"a":1}\n```').ok).toBe(false);
  });
});

describe('rubric judge', () => {
  it('sends rubric, input, reference and output verbatim in JSON mode at temperature 0', async () => {
    const { provider, judge: j } = judge(['{"score": 4, "reason": "cites it"}']);
    const r = await j.score(item);
    expect(r).toEqual({ ok: true, score: 0.75, raw: 4, reason: 'cites it' });
    const req = provider.requests[0]!;
    expect(req).toMatchObject({ model: 'judge-model', json: true, params: { temperature: 0 } });
    expect(req.messages[0]!.content).toContain(RUBRIC);
    expect(req.messages[0]!.content).toContain('from 1 (worst) to 5 (best)');
    expect(userText(req)).toContain(item.input);
    expect(userText(req)).toContain(item.output);
    expect(userText(req)).toContain(item.reference);
  });

  it('leaves the reference out when the item has none', async () => {
    const { provider, judge: j } = judge(['{"score": 5, "reason": "fine"}']);
    await j.score({ input: 'q', output: 'a', slice: 's' });
    expect(userText(provider.requests[0]!)).not.toContain('<reference>');
  });

  it('accepts a fenced reply', async () => {
    const { judge: j } = judge(['```json\n{"score": 1, "reason": "wrong"}\n```']);
    expect(await j.score(item)).toEqual({ ok: true, score: 0, raw: 1, reason: 'wrong' });
  });

  it.each([
    ['garbage', 'The answer is good.'],
    ['a score off the scale', '{"score": 9, "reason": "great"}'],
    ['a provider error', new ProviderError('timeout', 'no answer in 30000 ms')],
    ['a thrown error', new Error('socket hang up')],
  ])('turns %s into a judge error, never a score', async (_what, reply) => {
    const { judge: j } = judge([reply]);
    const r = await j.score(item);
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ code: 'judge_error' });
  });

  it('exposes its scale and a digest that follows rubric, model and scale', () => {
    const a = judge([]).judge;
    expect(a.scale).toEqual([1, 5]);
    expect(a.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(judge([]).judge.digest).toBe(a.digest);
    expect(judge([], [0, 10]).judge.digest).not.toBe(a.digest);
    expect(judge([], [1, 5], 'other').judge.digest).not.toBe(a.digest);
    const other = rubricJudge({
      name: 'q',
      provider: new ScriptedProvider(),
      providerName: 'up',
      model: 'judge-model',
      rubric: 'x',
      rubricDigest: sha256Digest('x'),
      scale: [1, 5],
    });
    expect(other.digest).not.toBe(a.digest);
  });

  it('refuses a scale that is not [low, high]', () => {
    expect(() => judge([], [5, 1])).toThrow(RangeError);
  });
});
