import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile, studentTSf, studentTTwoSided } from './student-t.js';
import { expectClose } from './test-support/vectors.js';

describe('Student t', () => {
  it('matches the closed forms for 1 and 2 degrees of freedom', () => {
    for (const t of [-30, -2, -0.3, 0, 0.01, 1, 4.2, 100]) {
      expectClose(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-14);
      expectClose(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-14);
    }
  });

  it('agrees between cdf, upper tail and two-sided tail', () => {
    for (const t of [-3, -0.5, 0.5, 3]) {
      expectClose(studentTCdf(t, 7.5) + studentTSf(t, 7.5), 1, 1e-15);
      expectClose(studentTTwoSided(t, 7.5), 2 * studentTSf(Math.abs(t), 7.5), 1e-15);
    }
    expect(studentTTwoSided(Infinity, 3)).toBe(0);
  });

  it('inverts the cdf', () => {
    expectClose(studentTQuantile(0.975, 1), Math.tan(Math.PI * 0.475), 1e-10);
    // scipy.stats.t.ppf(0.975, 4) and t.ppf(0.995, 7)
    expectClose(studentTQuantile(0.975, 4), 2.7764451051977934, 1e-12);
    expectClose(studentTQuantile(0.995, 7), 3.4994832973504924, 1e-12);
    for (const df of [1, 2.5, 9, 120]) {
      for (const p of [0.001, 0.05, 0.4, 0.5, 0.9, 0.999])
        expectClose(studentTCdf(studentTQuantile(p, df), df), p, 1e-13);
    }
  });

  it('rejects bad degrees of freedom and probabilities', () => {
    expect(() => studentTCdf(1, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(2, 3)).toThrow(RangeError);
  });
});
