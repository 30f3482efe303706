import { describe, expect, it } from 'vitest';
import { mannWhitneyCdf, mannWhitneySf } from './mann-whitney-distribution.js';
import { expectClose } from './test-support/vectors.js';

/** Counts of U over all ways to choose which m of m + n ranks belong to the first sample. */
function bruteForceCounts(m: number, n: number): number[] {
  const counts = new Array<number>(m * n + 1).fill(0);
  const choose = (start: number, chosen: number[]): void => {
    if (chosen.length === m) {
      // U = Σ ranks of the first sample − m(m + 1)/2, with ranks 1..m+n.
      const u = chosen.reduce((a, r) => a + r, 0) - (m * (m + 1)) / 2;
      counts[u]!++;
      return;
    }
    for (let r = start; r <= m + n; r++) choose(r + 1, [...chosen, r]);
  };
  choose(1, []);
  return counts;
}

describe('Mann–Whitney exact distribution', () => {
  for (const [m, n] of [
    [1, 1],
    [3, 4],
    [5, 2],
    [4, 6],
  ] as const) {
    it(`matches enumeration for sizes ${m} and ${n}`, () => {
      const counts = bruteForceCounts(m, n);
      const total = counts.reduce((a, b) => a + b, 0);
      let cumulative = 0;
      counts.forEach((c, u) => {
        cumulative += c;
        expectClose(mannWhitneyCdf(u, m, n), cumulative / total, 1e-15);
        expectClose(mannWhitneySf(u, m, n), 1 - (cumulative - c) / total, 1e-15);
      });
    });
  }

  it('is symmetric in the sample sizes and stays finite for large samples', () => {
    expectClose(mannWhitneyCdf(20, 5, 12), mannWhitneyCdf(20, 12, 5), 1e-15);
    const p = mannWhitneyCdf(40_000, 8, 10_000);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    expect(mannWhitneyCdf(-1, 3, 3)).toBe(0);
    expect(mannWhitneyCdf(9, 3, 3)).toBe(1);
  });
});
