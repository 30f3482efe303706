import { describe, expect, it } from 'vitest';
import { spearman } from './spearman.js';
import { expectClose, vectors } from './test-support/vectors.js';

describe('spearman', () => {
  it('matches the published case without ties (rho and t-approximation p)', () => {
    const v = vectors.spearman_no_ties;
    const r = spearman(v.x, v.y);
    expectClose(r.rho, v.rho);
    expectClose(r.p, v.p_t_approx);
    expect(r.df).toBe(v.x.length - 2);
  });

  it('matches the published case with ties', () => {
    const v = vectors.spearman_ties;
    const r = spearman(v.x, v.y);
    expectClose(r.rho, v.rho);
    expectClose(r.p, v.p_t_approx);
  });

  it('is unchanged by strictly increasing transforms', () => {
    const v = vectors.spearman_ties;
    const r = spearman(v.x, v.y);
    const t = spearman(
      v.x.map((x) => Math.exp(x / 10)),
      v.y.map((y) => y ** 3),
    );
    expectClose(t.rho, r.rho, 1e-15);
  });

  it('gives p = 0 for a perfect monotone relation', () => {
    const r = spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 25]);
    expect(r.rho).toBe(1);
    expect(r.p).toBe(0);
  });

  it('rejects mismatched lengths, fewer than 3 pairs and constant samples', () => {
    expect(() => spearman([1, 2, 3], [1, 2, 3, 4])).toThrow(RangeError);
    expect(() => spearman([1, 2], [2, 1])).toThrow(RangeError);
    expect(() => spearman([1, 2, 3], [5, 5, 5])).toThrow(RangeError);
  });
});
