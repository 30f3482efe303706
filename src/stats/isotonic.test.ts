import { describe, expect, it } from 'vitest';
import { isotonicMap, isotonicRegression } from './isotonic.js';
import { mulberry32 } from './prng.js';
import { expectAllClose, expectClose, vectors } from './test-support/vectors.js';

function sumSquares(y: readonly number[], f: readonly number[]): number {
  return y.reduce((a, v, i) => a + (v - f[i]!) ** 2, 0);
}

describe('isotonic regression (pool-adjacent-violators)', () => {
  it('matches the published fit', () => {
    expectAllClose(isotonicRegression(vectors.isotonic_pav.y), vectors.isotonic_pav.fit);
  });

  it('returns a non-decreasing fit that keeps the weighted mean and beats nearby monotone fits', () => {
    const random = mulberry32(11);
    for (let trial = 0; trial < 100; trial++) {
      const n = 1 + Math.floor(random() * 25);
      const y = Array.from({ length: n }, () => Math.round(random() * 20) / 2);
      const w = Array.from({ length: n }, () => 0.5 + random() * 2);
      const f = isotonicRegression(y, w);
      expect(f).toHaveLength(n);
      for (let i = 1; i < n; i++) expect(f[i]!).toBeGreaterThanOrEqual(f[i - 1]!);
      const weighted = (v: readonly number[]): number => v.reduce((a, x, i) => a + w[i]! * x, 0);
      expectClose(weighted(f), weighted(y), 1e-9);
      // The sorted data is also monotone; the weighted fit is no worse than it in weighted squared error.
      const sorted = [...y].sort((a, b) => a - b);
      const wss = (g: readonly number[]): number => g.reduce((a, x, i) => a + w[i]! * (y[i]! - x) ** 2, 0);
      expect(wss(f)).toBeLessThanOrEqual(wss(sorted) + 1e-9);
    }
  });

  it('leaves monotone data unchanged and pools a decreasing run into its mean', () => {
    expect(isotonicRegression([1, 2, 2, 5])).toEqual([1, 2, 2, 5]);
    expect(isotonicRegression([3, 2, 1])).toEqual([2, 2, 2]);
    expect(isotonicRegression([])).toEqual([]);
    expect(sumSquares([3, 2, 1], [2, 2, 2])).toBe(2);
  });

  it('honours weights', () => {
    // Pooling 4 (weight 3) with 0 (weight 1) gives (12 + 0)/4 = 3.
    expect(isotonicRegression([4, 0], [3, 1])).toEqual([3, 3]);
  });

  it('rejects non-positive weights and mismatched lengths', () => {
    expect(() => isotonicRegression([1, 2], [1, 0])).toThrow(RangeError);
    expect(() => isotonicRegression([1, 2], [1])).toThrow(RangeError);
  });
});

describe('isotonic map', () => {
  it('sorts by x, pools tied x, interpolates between knots and clamps outside', () => {
    const m = isotonicMap([3, 1, 2, 2, 4], [0.9, 0.1, 0.2, 0.6, 0.5]);
    expect(m.knotsX).toEqual([1, 2, 3, 4]);
    // Pooled: x=2 → 0.4 (weight 2); then 0.9, 0.5 violate and pool to 0.7.
    expectAllClose(m.knotsY, [0.1, 0.4, 0.7, 0.7], 1e-15);
    expectClose(m.predict(1.5), 0.25, 1e-15);
    expect(m.predict(0)).toBe(0.1);
    expect(m.predict(10)).toBe(0.7);
    expect(m.predict(3)).toBe(0.7);
  });

  it('predicts a non-decreasing function', () => {
    const random = mulberry32(5);
    const x = Array.from({ length: 60 }, () => Math.floor(random() * 30));
    const y = x.map((v) => v / 30 + (random() - 0.5) * 0.6);
    const m = isotonicMap(x, y);
    let previous = -Infinity;
    for (let v = -2; v <= 32; v += 0.25) {
      const p = m.predict(v);
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
  });

  it('works with a single point and rejects mismatched input', () => {
    const m = isotonicMap([2], [0.3]);
    expect(m.predict(-5)).toBe(0.3);
    expect(m.predict(5)).toBe(0.3);
    expect(() => isotonicMap([1, 2], [1])).toThrow(RangeError);
    expect(() => isotonicMap([], [])).toThrow(RangeError);
  });
});
