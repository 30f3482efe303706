import { describe, expect, it } from 'vitest';
import { adjustP, benjaminiHochberg, holm } from './p-adjust.js';
import { mulberry32 } from './prng.js';
import { expectAllClose, vectors } from './test-support/vectors.js';

describe('p-value adjustment', () => {
  it('matches the published Holm adjustment', () => {
    expectAllClose(holm(vectors.holm.p), vectors.holm.adjusted);
  });

  it('matches the published Benjamini–Hochberg adjustment', () => {
    expectAllClose(benjaminiHochberg(vectors.bh.p), vectors.bh.adjusted);
  });

  it('dispatches on the method name, "none" leaving the p-values as they are', () => {
    expectAllClose(adjustP(vectors.holm.p, 'holm'), vectors.holm.adjusted);
    expectAllClose(adjustP(vectors.bh.p, 'bh'), vectors.bh.adjusted);
    expect(adjustP(vectors.bh.p, 'none')).toEqual(vectors.bh.p);
    expect(() => adjustP([2], 'none')).toThrow(RangeError);
  });

  it('never lowers a p-value, stays in [0, 1] and keeps the order of the raw values', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 50; trial++) {
      const p = Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.2 ? 0.04 : random()));
      for (const adjust of [holm, benjaminiHochberg]) {
        const adj = adjust(p);
        p.forEach((raw, i) => {
          expect(adj[i]!).toBeGreaterThanOrEqual(raw);
          expect(adj[i]!).toBeLessThanOrEqual(1);
          p.forEach((other, j) => {
            if (raw <= other) expect(adj[i]!).toBeLessThanOrEqual(adj[j]!);
          });
        });
      }
      // Controlling the false discovery rate is never more conservative than the family-wise rate.
      const h = holm(p);
      for (const [i, v] of benjaminiHochberg(p).entries()) expect(v).toBeLessThanOrEqual(h[i]! + 1e-15);
    }
  });

  it('handles empty input and rejects values outside [0, 1]', () => {
    expect(holm([])).toEqual([]);
    expect(() => holm([0.1, 1.5])).toThrow(RangeError);
    expect(() => benjaminiHochberg([-0.1])).toThrow(RangeError);
  });
});
