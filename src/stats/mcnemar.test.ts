import { describe, expect, it } from 'vitest';
import { mcnemarExact } from './mcnemar.js';
import { expectClose, vectors } from './test-support/vectors.js';

describe('exact McNemar', () => {
  it('matches the published case', () => {
    const v = vectors.mcnemar_exact;
    const r = mcnemarExact(v.b, v.c);
    expect(r.n).toBe(v.b + v.c);
    expectClose(r.p, v.p);
  });

  it('is symmetric in b and c and gives 1 for balanced or no discordant pairs', () => {
    expect(mcnemarExact(3, 10).p).toBe(mcnemarExact(10, 3).p);
    expect(mcnemarExact(7, 7).p).toBe(1);
    expect(mcnemarExact(0, 0).p).toBe(1);
    expectClose(mcnemarExact(0, 5).p, 2 / 32, 1e-15);
  });

  it('keeps its precision above 1000 discordant pairs (incomplete beta path)', () => {
    // Direct sum of C(1001, i)/2¹⁰⁰¹ for i ≤ 470; 2⁻¹⁰⁰¹ is still a normal double.
    let term = 2 ** -1001;
    let sum = term;
    for (let i = 0; i < 470; i++) {
      term = (term * (1001 - i)) / (i + 1);
      sum += term;
    }
    expect(Math.abs(mcnemarExact(470, 531).p / (2 * sum) - 1)).toBeLessThan(1e-11);
  });

  it('rejects negative and fractional counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});
