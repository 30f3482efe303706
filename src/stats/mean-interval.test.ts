import { describe, expect, it } from 'vitest';
import { meanInterval, wilsonInterval } from './mean-interval.js';
import { normalQuantile } from './normal.js';
import { expectClose } from './test-support/vectors.js';

describe('interval for a mean', () => {
  it('uses the t quantile on n − 1 degrees of freedom', () => {
    // scipy.stats.t.interval(0.95, 4, loc=3, scale=sem([1, 2, 3, 4, 5]))
    const r = meanInterval([1, 2, 3, 4, 5]);
    expect(r.estimate).toBe(3);
    expectClose(r.se, Math.sqrt(2.5 / 5), 1e-15);
    expectClose(r.lower, 1.0367568385224428, 1e-12);
    expectClose(r.upper, 4.963243161477557, 1e-12);
  });

  it('uses the normal quantile on request, which is narrower', () => {
    const xs = [0.2, 0.5, 0.1, 0.9, 0.4, 0.6];
    const t = meanInterval(xs);
    const z = meanInterval(xs, { method: 'normal' });
    expectClose(z.upper - z.estimate, normalQuantile(0.975) * z.se, 1e-15);
    expect(z.upper - z.lower).toBeLessThan(t.upper - t.lower);
  });

  it('needs two values', () => {
    expect(() => meanInterval([1])).toThrow(RangeError);
  });
});

describe('Wilson interval for a proportion', () => {
  it('matches scipy.stats.binomtest(...).proportion_ci(method="wilson")', () => {
    const r = wilsonInterval(8, 10);
    expect(r.estimate).toBe(0.8);
    expectClose(r.lower, 0.4901624715366418, 1e-12);
    expectClose(r.upper, 0.9433178485456248, 1e-12);
    const zero = wilsonInterval(0, 20);
    expect(zero.lower).toBe(0);
    expectClose(zero.upper, 0.16112515805281935, 1e-12);
  });

  it('stays inside [0, 1] and is symmetric under swapping successes and failures', () => {
    for (let k = 0; k <= 12; k++) {
      const a = wilsonInterval(k, 12);
      const b = wilsonInterval(12 - k, 12);
      expect(a.lower).toBeGreaterThanOrEqual(0);
      expect(a.upper).toBeLessThanOrEqual(1);
      expectClose(a.lower, 1 - b.upper, 1e-12);
    }
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(0, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
  });
});
