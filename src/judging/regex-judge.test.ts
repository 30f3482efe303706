import { describe, expect, it } from 'vitest';
import { compileRegex, regexJudge } from './regex-judge.js';

const at = (output: string) => ({ input: 'q', output, slice: 's' });

function regex(pattern: string, flags?: string) {
  const c = compileRegex(pattern, flags);
  if (!c.ok) throw new Error(c.error.message);
  return regexJudge('re', c.value);
}

describe('regex judge', () => {
  it('scores 1 on a match and 0 otherwise', async () => {
    const j = regex('^clause \\d+', 'i');
    expect(await j.score(at('Clause 9 applies'))).toEqual({ ok: true, score: 1 });
    expect(await j.score(at('See clause 9'))).toMatchObject({ ok: true, score: 0 });
  });

  it('gives the same answer on every call with the g flag', async () => {
    const j = regex('\\d', 'g');
    for (let i = 0; i < 3; i++) expect(await j.score(at('a1'))).toMatchObject({ score: 1 });
  });

  it('reports a bad pattern as a result, not a throw', () => {
    expect(compileRegex('(', '').ok).toBe(false);
    expect(compileRegex('a', 'q').ok).toBe(false);
  });

  it('digests pattern and flags', () => {
    expect(regex('a', 'i').digest).not.toBe(regex('a').digest);
    expect(regex('a').digest).toBe(regex('a').digest);
  });
});
