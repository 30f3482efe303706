import { describe, expect, it } from 'vitest';
import { normalCdf, normalPdf, normalQuantile, normalSf } from './normal.js';
import { expectClose, vectors } from './test-support/vectors.js';

describe('standard normal', () => {
  for (const [p, z] of Object.entries(vectors.normal_quantiles)) {
    it(`matches the published quantile at ${p}`, () => {
      expectClose(normalQuantile(Number(p)), z, 1e-12);
      expectClose(normalCdf(z), Number(p), 1e-12);
    });
  }

  it('has the textbook values at the centre', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalQuantile(0.5)).toBe(0);
    expectClose(normalPdf(0), 1 / Math.sqrt(2 * Math.PI), 1e-16);
  });

  it('is symmetric and keeps tail probabilities relative-accurate', () => {
    for (const x of [0.1, 0.9, 2.5, 2.9999, 3.0001, 4, 7.5]) {
      expectClose(normalCdf(-x) + normalCdf(x), 1, 1e-15);
      expect(normalSf(x)).toBe(normalCdf(-x));
    }
    // scipy.stats.norm.sf(10)
    expect(Math.abs(normalSf(10) / 7.61985302416047e-24 - 1)).toBeLessThan(1e-12);
  });

  it('inverts the cdf across the range, including the far tails', () => {
    for (const p of [1e-300, 1e-20, 1e-8, 0.001, 0.02425, 0.2, 0.5, 0.77, 0.975, 0.999999, 1 - 1e-12]) {
      const x = normalQuantile(p);
      const back = p < 0.5 ? normalCdf(x) : 1 - normalSf(x);
      expect(Math.abs(back - p) / Math.min(p, 1 - p)).toBeLessThan(1e-11);
    }
  });

  it('maps the ends to infinities and rejects probabilities outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});
