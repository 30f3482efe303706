import { describe, expect, it } from 'vitest';
import { inversionsCdf, kendallExactPValue } from './kendall-distribution.js';
import { expectClose } from './test-support/vectors.js';

/** Inversion counts of all permutations of n items, by brute force. */
function inversionCounts(n: number): number[] {
  const counts = new Array<number>((n * (n - 1)) / 2 + 1).fill(0);
  const walk = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) {
      let inv = 0;
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (prefix[i]! > prefix[j]!) inv++;
      counts[inv]!++;
      return;
    }
    for (const [i, v] of rest.entries()) walk([...prefix, v], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  walk(
    [],
    Array.from({ length: n }, (_, i) => i),
  );
  return counts;
}

describe('Kendall exact distribution', () => {
  it('matches brute-force enumeration for n = 6', () => {
    const counts = inversionCounts(6);
    let cumulative = 0;
    counts.forEach((c, k) => {
      cumulative += c;
      expectClose(inversionsCdf(6, k), cumulative / 720, 1e-15);
    });
  });

  it('gives the two-sided p-value, capped at 1 at the centre', () => {
    expectClose(kendallExactPValue(4, 0), 2 / 24, 1e-15);
    expect(kendallExactPValue(4, 3)).toBe(1);
    expect(kendallExactPValue(2, 0)).toBe(1);
  });
});
