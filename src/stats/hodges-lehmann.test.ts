import { describe, expect, it } from 'vitest';
import { hodgesLehmann, hodgesLehmannShift } from './hodges-lehmann.js';
import { expectClose, vectors } from './test-support/vectors.js';

const R = vectors.hodges_lehmann_wilcox_R;
// R 4.2 wilcox.test(..., conf.level = 0.98): alpha = 0.02. R finds the bounds with uniroot(tol = 1e-4).
const R_TOLERANCE = 1e-4;

describe('Hodges–Lehmann shift and interval', () => {
  R.cases.forEach((c, i) => {
    it(`matches R's wilcox.test interval and estimate, case ${i + 1}`, () => {
      const r = hodgesLehmann(c.x, c.y, { alpha: 0.02 });
      expectClose(r.lower, c.ci[0], R_TOLERANCE);
      expectClose(r.upper, c.ci[1], R_TOLERANCE);
      expectClose(r.estimate, c.estimate, R_TOLERANCE);
      expect(r.estimate).toBe(hodgesLehmannShift(c.x, c.y));
    });
  });

  it('moves with a shift of the first sample and brackets the estimate', () => {
    const c = R.cases[0]!;
    const base = hodgesLehmann(c.x, c.y, { alpha: 0.05 });
    const moved = hodgesLehmann(
      c.x.map((v) => v + 3),
      c.y,
      { alpha: 0.05 },
    );
    expectClose(moved.lower - base.lower, 3, 1e-12);
    expectClose(moved.upper - base.upper, 3, 1e-12);
    expectClose(moved.estimate - base.estimate, 3, 1e-12);
    expect(base.lower).toBeLessThanOrEqual(base.estimate);
    expect(base.estimate).toBeLessThanOrEqual(base.upper);
  });

  it('widens as the confidence level rises', () => {
    const c = R.cases[1]!;
    const narrow = hodgesLehmann(c.x, c.y, { alpha: 0.2 });
    const wide = hodgesLehmann(c.x, c.y, { alpha: 0.01 });
    expect(wide.lower).toBeLessThanOrEqual(narrow.lower);
    expect(wide.upper).toBeGreaterThanOrEqual(narrow.upper);
  });

  it('takes the median of the pairwise differences, averaging the middle two', () => {
    expect(hodgesLehmannShift([1, 2], [0, 0.5])).toBe(1.25); // differences 0.5, 1, 1.5, 2
    expect(hodgesLehmannShift([5], [1, 2, 4])).toBe(3);
  });

  it('returns the extreme differences when the samples are too small to exclude them', () => {
    const r = hodgesLehmann([1, 2], [3, 4]);
    expect(r.lower).toBe(-3);
    expect(r.upper).toBe(-1);
  });

  it('rejects empty samples and all-tied data', () => {
    expect(() => hodgesLehmann([], [1])).toThrow(RangeError);
    expect(() => hodgesLehmann([2, 2], [2, 2])).toThrow(RangeError);
  });
});
