import { describe, expect, it } from 'vitest';
import { bonettWrightInterval, fisherZInterval, pearsonInterval } from './fisher-z-interval.js';
import { spearman } from './spearman.js';
import { expectClose, vectors } from './test-support/vectors.js';

describe('Fisher z intervals', () => {
  it('matches the published Bonett–Wright interval for Spearman', () => {
    const v = vectors.spearman_ci_bonett_wright;
    const { rho } = spearman(v.x, v.y);
    expectClose(rho, v.rho);
    const ci = bonettWrightInterval(rho, v.x.length, v.alpha);
    expectClose(ci.seZ, v.se_z);
    expectClose(ci.lower, v.ci[0]);
    expectClose(ci.upper, v.ci[1]);
  });

  it('uses se = 1/√(n − 3) for Pearson and contains the estimate', () => {
    const ci = pearsonInterval(0.3, 28, 0.05);
    expectClose(ci.seZ, 0.2, 1e-15);
    expect(ci.lower).toBeLessThan(0.3);
    expect(ci.upper).toBeGreaterThan(0.3);
    expectClose(Math.atanh(ci.upper) - Math.atanh(0.3), Math.atanh(0.3) - Math.atanh(ci.lower), 1e-12);
  });

  it('narrows as alpha grows', () => {
    const wide = fisherZInterval(0.5, 0.2, 0.01);
    const narrow = fisherZInterval(0.5, 0.2, 0.2);
    expect(wide.lower).toBeLessThan(narrow.lower);
    expect(wide.upper).toBeGreaterThan(narrow.upper);
  });

  it('rejects correlations outside [−1, 1] and n < 4', () => {
    expect(() => bonettWrightInterval(1.2, 10)).toThrow(RangeError);
    expect(() => bonettWrightInterval(0.2, 3)).toThrow(RangeError);
    expect(() => fisherZInterval(0.2, 0.1, 1)).toThrow(RangeError);
  });
});
