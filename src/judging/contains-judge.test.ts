import { describe, expect, it } from 'vitest';
import { containsJudge } from './contains-judge.js';

const at = (output: string) => ({ input: 'q', output, slice: 's' });

describe('contains judge', () => {
  it('any: one value is enough, case-insensitively', async () => {
    const j = containsJudge('c', ['GDPR', 'Article 6'], false);
    expect(await j.score(at('Under gdpr, processing needs a basis.'))).toEqual({ ok: true, score: 1 });
    expect(await j.score(at('No regulation applies.'))).toMatchObject({ ok: true, score: 0 });
  });

  it('all: every value, naming the missing ones', async () => {
    const j = containsJudge('c', ['GDPR', 'Article 6'], true);
    expect(await j.score(at('GDPR article 6(1)(b)'))).toEqual({ ok: true, score: 1 });
    const r = await j.score(at('GDPR only'));
    expect(r).toMatchObject({ ok: true, score: 0 });
    expect(r.ok && r.reason).toContain('"Article 6"');
  });

  it('digests values and mode', () => {
    expect(containsJudge('c', ['a'], true).digest).not.toBe(containsJudge('c', ['a'], false).digest);
  });
});
