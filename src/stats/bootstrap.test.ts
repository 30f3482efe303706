import { describe, expect, it } from 'vitest';
import { nonInferiority, pairedBootstrapMeanDiff } from './bootstrap.js';
import { mulberry32 } from './prng.js';
import { expectClose } from './test-support/vectors.js';

const random = mulberry32(3);
const baseline = Array.from({ length: 80 }, () => (random() < 0.7 ? 1 : 0));
const candidate = baseline.map((v) => (random() < 0.1 ? 1 - v : v));

describe('paired bootstrap of the mean difference', () => {
  it('is deterministic for a seed', () => {
    const scoresA = Array.from({ length: 50 }, () => random());
    const scoresB = Array.from({ length: 50 }, () => random());
    const a = pairedBootstrapMeanDiff(scoresA, scoresB, { seed: 17, iterations: 2000 });
    const b = pairedBootstrapMeanDiff(scoresA, scoresB, { seed: 17, iterations: 2000 });
    const c = pairedBootstrapMeanDiff(scoresA, scoresB, { seed: 18, iterations: 2000 });
    expect(b).toEqual(a);
    expect(c.lower !== a.lower || c.upper !== a.upper).toBe(true);
  });

  it('keeps its results for a seed across releases (recorded results depend on it)', () => {
    const a = [0.61, 0.72, 0.55, 0.9, 0.43, 0.77, 0.68, 0.81];
    const b = [0.58, 0.7, 0.6, 0.84, 0.45, 0.7, 0.66, 0.75];
    const r = pairedBootstrapMeanDiff(a, b, { seed: 2024, iterations: 1000 });
    expectClose(r.estimate, 0.02375, 1e-15);
    expectClose(r.lower, -0.005, 1e-15);
    expectClose(r.upper, 0.04875, 1e-15);
  });

  it('brackets the observed mean difference', () => {
    const r = pairedBootstrapMeanDiff(candidate, baseline, { iterations: 4000 });
    const observed = candidate.reduce((s, v, i) => s + v - baseline[i]!, 0) / candidate.length;
    expectClose(r.estimate, observed, 1e-15);
    expect(r.lower).toBeLessThanOrEqual(observed);
    expect(r.upper).toBeGreaterThanOrEqual(observed);
    expect(r.alpha).toBe(0.05);
  });

  it('collapses to a point when every difference is the same', () => {
    const r = pairedBootstrapMeanDiff([2, 3, 4], [1, 2, 3], { iterations: 100 });
    expect([r.estimate, r.lower, r.upper]).toEqual([1, 1, 1]);
  });

  it('narrows as alpha grows', () => {
    const wide = pairedBootstrapMeanDiff(candidate, baseline, { alpha: 0.01, iterations: 3000 });
    const narrow = pairedBootstrapMeanDiff(candidate, baseline, { alpha: 0.3, iterations: 3000 });
    expect(wide.lower).toBeLessThanOrEqual(narrow.lower);
    expect(wide.upper).toBeGreaterThanOrEqual(narrow.upper);
  });

  it('rejects mismatched pairs and bad options', () => {
    expect(() => pairedBootstrapMeanDiff([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedBootstrapMeanDiff([1], [1], { iterations: 0 })).toThrow(RangeError);
    expect(() => pairedBootstrapMeanDiff([1], [1], { alpha: 0 })).toThrow(RangeError);
  });
});

describe('non-inferiority', () => {
  it('uses the one-sided 97.5% lower bound against −margin', () => {
    const r = nonInferiority(candidate, baseline, 0.05, { iterations: 4000, seed: 5 });
    expect(r.alpha).toBe(0.025);
    expect(r.nonInferior).toBe(r.lowerBound > -0.05);
    // The one-sided 97.5% bound is the lower end of the two-sided 95% interval.
    const two = pairedBootstrapMeanDiff(candidate, baseline, { iterations: 4000, seed: 5 });
    expect(r.lowerBound).toBe(two.lower);
  });

  it('passes a candidate that matches the baseline and fails one clearly worse', () => {
    expect(nonInferiority(baseline, baseline, 0.02).nonInferior).toBe(true);
    const worse = baseline.map(() => 0);
    expect(nonInferiority(worse, baseline, 0.1).nonInferior).toBe(false);
  });

  it('rejects a negative margin', () => {
    expect(() => nonInferiority([1], [1], -0.1)).toThrow(RangeError);
  });
});
