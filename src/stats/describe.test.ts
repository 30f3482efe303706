import { describe as group, expect, it } from 'vitest';
import { describe, mean, median, p95, quantile, standardDeviation, variance } from './describe.js';
import { expectClose } from './test-support/vectors.js';

group('descriptive statistics', () => {
  it('computes mean, sample and population variance', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(variance(xs, 0)).toBe(4);
    expectClose(variance(xs), 32 / 7, 1e-15);
    expect(standardDeviation(xs, 0)).toBe(2);
  });

  it('interpolates quantiles linearly like numpy', () => {
    // numpy.quantile([3, 1, 4, 1, 5, 9, 2, 6], [0, .25, .5, .95, 1]), to the last bit
    const xs = [3, 1, 4, 1, 5, 9, 2, 6];
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 0.25)).toBe(1.75);
    expect(median(xs)).toBe(3.5);
    expect(quantile(xs, 0.95)).toBe(7.949999999999998); // numpy prints this, not 7.95
    expect(quantile(xs, 1)).toBe(9);
    // numpy.percentile(arange(1, 21), 95) = 19.05
    expect(p95(Array.from({ length: 20 }, (_, i) => i + 1))).toBe(19.05);
  });

  it('quantiles are non-decreasing in q', () => {
    const xs = [0.3, -2, 8, 8, 1.5, 0, 4];
    let previous = -Infinity;
    for (let q = 0; q <= 1; q += 0.01) {
      const v = quantile(xs, q);
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
  });

  it('summarizes', () => {
    expect(describe([4, 1, 3, 2])).toEqual({
      n: 4,
      mean: 2.5,
      variance: 5 / 3,
      sd: Math.sqrt(5 / 3),
      min: 1,
      max: 4,
      median: 2.5,
      p95: 3.8499999999999996, // numpy.quantile([4, 1, 3, 2], 0.95)
    });
    expect(describe([7])).toMatchObject({ n: 1, variance: 0, median: 7, p95: 7 });
  });

  it('rejects empty input and too few values for the variance', () => {
    expect(() => mean([])).toThrow(RangeError);
    expect(() => variance([1])).toThrow(RangeError);
    expect(() => quantile([1, 2], 1.2)).toThrow(RangeError);
  });
});
