import { describe, expect, it } from 'vitest';
import { referenceJudge } from './reference-judge.js';

describe('reference judge', () => {
  const judge = referenceJudge('ref');

  it('scores F1 against the reference', async () => {
    expect(await judge.score({ input: 'q', output: 'Paris, France', reference: 'Paris', slice: 's' })).toEqual({
      ok: true,
      score: 2 / 3,
    });
  });

  it('is a judge error without a reference', async () => {
    expect(await judge.score({ input: 'q', output: 'Paris', slice: 's' })).toMatchObject({
      ok: false,
      code: 'judge_error',
    });
  });
});
