import { describe, expect, it } from 'vitest';
import { exactJudge } from './exact-judge.js';
import { referenceJudge } from './reference-judge.js';

describe('exact judge', () => {
  const judge = exactJudge('exact');

  it('matches after normalization', async () => {
    expect(await judge.score({ input: 'q', output: 'The Paris.', reference: 'paris', slice: 's' })).toEqual({
      ok: true,
      score: 1,
    });
    expect(await judge.score({ input: 'q', output: 'Paris, France', reference: 'Paris', slice: 's' })).toMatchObject({
      ok: true,
      score: 0,
    });
  });

  it('is a judge error without a reference', async () => {
    expect((await judge.score({ input: 'q', output: 'x', slice: 's' })).ok).toBe(false);
  });

  it('has a digest that differs from the reference judge', () => {
    expect(judge.digest).not.toBe(referenceJudge('ref').digest);
  });
});
