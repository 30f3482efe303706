import { describe, expect, it } from 'vitest';
import { cosine, similarityJudge } from './similarity-judge.js';
import { ScriptedProvider } from './test-support/scripted-provider.js';

const vectors = new Map<string, number[]>([
  ['cat', [1, 0, 0]],
  ['kitten', [0.8, 0.6, 0]],
  ['dog', [0, 1, 0]],
  ['anti-cat', [-1, 0, 0]],
  ['zero', [0, 0, 0]],
  ['short', [1, 0]],
]);

function judge(provider = new ScriptedProvider([], vectors)) {
  return { provider, judge: similarityJudge({ name: 'sim', provider, providerName: 'up', model: 'embed-model' }) };
}

const item = (output: string, reference?: string) => ({ input: 'q', output, reference, slice: 's' });

describe('cosine', () => {
  it('computes cosine similarity and refuses unusable vectors', () => {
    expect(cosine([1, 0], [1, 0])).toEqual({ ok: true, value: 1 });
    expect(cosine([1, 2], [2, 4])).toMatchObject({ ok: true });
    expect(cosine([1, 0], [0, 0]).ok).toBe(false);
    expect(cosine([1, 0], [1]).ok).toBe(false);
    expect(cosine([], []).ok).toBe(false);
  });
});

describe('similarity judge', () => {
  it('scores the cosine of output and reference embeddings', async () => {
    const { provider, judge: j } = judge();
    expect(await j.score(item('kitten', 'cat'))).toEqual({ ok: true, score: 0.8, raw: 0.8 });
    expect(provider.embedCalls[0]).toEqual({ model: 'embed-model', inputs: ['kitten', 'cat'] });
    expect(await j.score(item('cat', 'cat'))).toEqual({ ok: true, score: 1, raw: 1 });
    expect(await j.score(item('dog', 'cat'))).toEqual({ ok: true, score: 0, raw: 0 });
  });

  it('maps a negative cosine to 0 and keeps it as raw', async () => {
    expect(await judge().judge.score(item('anti-cat', 'cat'))).toEqual({ ok: true, score: 0, raw: -1 });
  });

  it('is a judge error without a reference, on provider failure or on bad vectors', async () => {
    const { judge: j } = judge();
    for (const it of [item('cat'), item('unknown', 'cat'), item('zero', 'cat'), item('short', 'cat')]) {
      expect(await j.score(it)).toMatchObject({ ok: false, code: 'judge_error' });
    }
  });

  it('digests the model', () => {
    const p = new ScriptedProvider([], vectors);
    const other = similarityJudge({ name: 'sim', provider: p, providerName: 'up', model: 'other' });
    expect(other.digest).not.toBe(judge().judge.digest);
  });
});
