import { describe, expect, it } from 'vitest';
import { as89, spearmanAs89 } from './spearman-as89.js';
import { spearman } from './spearman.js';
import { expectClose, vectors } from './test-support/vectors.js';

describe("spearman p-value as R's cor.test computes it", () => {
  it('matches the published R value (n = 10: Edgeworth series of AS 89)', () => {
    const v = vectors.spearman_no_ties;
    const r = spearmanAs89(v.x, v.y);
    expect(r.method).toBe('edgeworth');
    expect(r.s).toBeCloseTo(234, 9);
    expectClose(r.p, v.p_exact_R); // R prints 10 significant digits
  });

  it('enumerates permutations exactly for n ≤ 9', () => {
    // Only the identity permutation has S = 0, so P(S ≤ 0) = 1/5!.
    const r = spearmanAs89([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
    expect(r.method).toBe('exact');
    expectClose(r.p, 2 / 120, 1e-15);
    // P(S ≥ s) + P(S < s) = 1.
    expectClose(as89(6, 40, true) + as89(6, 40, false), 1, 1e-15);
  });

  it('falls back to the t approximation with ties', () => {
    const v = vectors.spearman_ties;
    const r = spearmanAs89(v.x, v.y);
    expect(r.method).toBe('t');
    expectClose(r.p, v.p_t_approx);
    expect(r.p).toBe(spearman(v.x, v.y).p);
  });
});
