/**
 * Confidence intervals for a mean (Student t, or normal) and for a
 * proportion (Wilson score interval).
 */
import { mean, standardDeviation } from './describe.js';
import { normalQuantile } from './normal.js';
import { studentTQuantile } from './student-t.js';
import { assertAlpha, assertFiniteArray, assertNonNegativeInteger } from './validate.js';

export interface MeanInterval {
  estimate: number;
  lower: number;
  upper: number;
  /** Standard error s/√n with the sample standard deviation. */
  se: number;
  n: number;
}

/** mean ± q·s/√n with q the t (df = n − 1, the default) or normal quantile at 1 − alpha/2. Needs n ≥ 2. */
export function meanInterval(
  xs: readonly number[],
  opts: { alpha?: number; method?: 't' | 'normal' } = {},
): MeanInterval {
  assertFiniteArray('xs', xs, 2);
  const alpha = opts.alpha ?? 0.05;
  assertAlpha(alpha);
  const n = xs.length;
  const estimate = mean(xs);
  const se = standardDeviation(xs) / Math.sqrt(n);
  const method = opts.method ?? 't';
  if (method !== 't' && method !== 'normal')
    throw new RangeError(`method must be "t" or "normal", got ${String(method)}`);
  const q = method === 't' ? studentTQuantile(1 - alpha / 2, n - 1) : normalQuantile(1 - alpha / 2);
  return { estimate, lower: estimate - q * se, upper: estimate + q * se, se, n };
}

export interface ProportionInterval {
  /** successes / n. */
  estimate: number;
  lower: number;
  upper: number;
}

/** Wilson score interval for successes out of n ≥ 1 trials. */
export function wilsonInterval(successes: number, n: number, alpha = 0.05): ProportionInterval {
  assertNonNegativeInteger('successes', successes);
  assertNonNegativeInteger('n', n);
  if (n === 0) throw new RangeError('a proportion needs at least one trial');
  if (successes > n) throw new RangeError(`successes (${successes}) cannot exceed n (${n})`);
  assertAlpha(alpha);
  const z = normalQuantile(1 - alpha / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // The bounds are exactly 0 with no successes and exactly 1 with no failures.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === n ? 1 : Math.min(1, centre + half);
  return { estimate: p, lower, upper };
}
