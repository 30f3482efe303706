/**
 * Student's one-sample t-test on a mean (for paired data, on the
 * differences), with one-sided p-values, the interval bounds the gate's
 * decisions use, and the minimum detectable shift at a given power.
 */
import { mean, standardDeviation } from './describe.js';
import { studentTCdf, studentTQuantile } from './student-t.js';
import { assertAlpha, assertFiniteArray } from './validate.js';

export interface TTestResult {
  /** The sample mean. */
  estimate: number;
  /** s/√n with the sample standard deviation. */
  se: number;
  /** n − 1. */
  df: number;
  n: number;
  /** (estimate − mu0)/se; ±Infinity when se is 0 and the mean differs from mu0, 0 when it equals it. */
  t: number;
  /** One-sided p-value for "the mean is below mu0": P(T ≤ t). */
  pBelow: number;
  /** One-sided p-value for "the mean is above mu0": P(T ≥ t). */
  pAbove: number;
}

/** Student's t-test of mean(xs) against mu0 (default 0). Needs n ≥ 2. */
export function tTest(xs: readonly number[], mu0 = 0): TTestResult {
  assertFiniteArray('xs', xs, 2);
  if (!Number.isFinite(mu0)) throw new RangeError(`mu0 must be a finite number, got ${String(mu0)}`);
  const n = xs.length;
  const estimate = mean(xs);
  // A constant sample's sd is 0 up to rounding of the mean (0.2 three times has sd ~3e-17).
  const sd = standardDeviation(xs);
  const se = sd <= 1e-12 * Math.max(1, Math.abs(estimate)) ? 0 : sd / Math.sqrt(n);
  return fromSummary(estimate, se, n - 1, n, mu0);
}

/** The same test from a summary: an estimate, its standard error and the t distribution's degrees of freedom. */
export function tTestFromSummary(estimate: number, se: number, df: number, mu0 = 0): TTestResult {
  if (!Number.isFinite(estimate)) throw new RangeError(`estimate must be finite, got ${String(estimate)}`);
  if (!(se >= 0) || !Number.isFinite(se)) throw new RangeError(`se must be a non-negative number, got ${String(se)}`);
  if (!(df > 0)) throw new RangeError(`df must be positive, got ${String(df)}`);
  return fromSummary(estimate, se, df, df + 1, mu0);
}

function fromSummary(estimate: number, se: number, df: number, n: number, mu0: number): TTestResult {
  const gap = estimate - mu0;
  if (se === 0) {
    const t = gap === 0 ? 0 : gap > 0 ? Infinity : -Infinity;
    return { estimate, se, df, n, t, pBelow: gap < 0 ? 0 : 1, pAbove: gap > 0 ? 0 : 1 };
  }
  const t = gap / se;
  return { estimate, se, df, n, t, pBelow: studentTCdf(t, df), pAbove: studentTCdf(-t, df) };
}

/** The one-sided (1 − alpha) lower and upper bounds: estimate ∓ t_{1−alpha, df}·se. */
export function tBounds(
  r: Pick<TTestResult, 'estimate' | 'se' | 'df'>,
  alpha: number,
): { lower: number; upper: number } {
  assertAlpha(alpha);
  const half = r.se === 0 ? 0 : studentTQuantile(1 - alpha, r.df) * r.se;
  return { lower: r.estimate - half, upper: r.estimate + half };
}

/**
 * The smallest true shift of a mean that a one-sided level-alpha t-test on n
 * values with standard deviation sd detects with the given power, by the
 * usual approximation (t_{1−α, n−1} + t_{power, n−1})·sd/√n (for the
 * noncentral t it slightly overstates the power at small n). Needs n ≥ 2.
 */
export function minimumDetectableShift(sd: number, n: number, opts: { alpha?: number; power?: number } = {}): number {
  if (!(sd >= 0) || !Number.isFinite(sd)) throw new RangeError(`sd must be a non-negative number, got ${String(sd)}`);
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`n must be an integer ≥ 2, got ${String(n)}`);
  const alpha = opts.alpha ?? 0.025;
  const power = opts.power ?? 0.8;
  assertAlpha(alpha);
  assertAlpha(power, 'power');
  const df = n - 1;
  return ((studentTQuantile(1 - alpha, df) + studentTQuantile(power, df)) * sd) / Math.sqrt(n);
}
