/**
 * Paired bootstrap of a mean difference. The differences dᵢ = aᵢ − bᵢ are
 * resampled with replacement (pairs stay together) from a seeded PRNG, so
 * a given seed always gives the same interval. The interval is the
 * percentile interval of the resampled means, with quantiles interpolated
 * linearly as in describe.quantile.
 */
import { quantileSorted } from './describe.js';
import { mulberry32, randomIndex } from './prng.js';
import { assertAlpha, assertFiniteArray, assertPositiveInteger, assertSameLength } from './validate.js';

export interface BootstrapOptions {
  /** Resamples; default 10 000. */
  iterations?: number;
  /** PRNG seed; default 1. */
  seed?: number;
}

export interface BootstrapResult {
  /** mean(a − b) on the data. */
  estimate: number;
  lower: number;
  upper: number;
  alpha: number;
  iterations: number;
  seed: number;
}

export interface NonInferiorityResult {
  /** mean(candidate − baseline) on the data. */
  estimate: number;
  /** Lower bound of the one-sided 1 − alpha interval for the mean difference. */
  lowerBound: number;
  margin: number;
  /** lowerBound > −margin. */
  nonInferior: boolean;
  alpha: number;
  iterations: number;
  seed: number;
}

/** Sorted means of `iterations` paired resamples of a − b. */
function resampledMeans(
  a: readonly number[],
  b: readonly number[],
  iterations: number,
  seed: number,
): { estimate: number; means: Float64Array } {
  assertFiniteArray('a', a, 1);
  assertFiniteArray('b', b, 1);
  assertSameLength('a', a, 'b', b);
  assertPositiveInteger('iterations', iterations);
  const n = a.length;
  const diffs = a.map((v, i) => v - b[i]!);
  let total = 0;
  for (const d of diffs) total += d;
  const random = mulberry32(seed);
  const means = new Float64Array(iterations);
  for (let r = 0; r < iterations; r++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += diffs[randomIndex(random, n)]!;
    means[r] = s / n;
  }
  means.sort();
  return { estimate: total / n, means };
}

/** Two-sided percentile interval for mean(a − b); alpha default 0.05. */
export function pairedBootstrapMeanDiff(
  a: readonly number[],
  b: readonly number[],
  opts: BootstrapOptions & { alpha?: number } = {},
): BootstrapResult {
  const alpha = opts.alpha ?? 0.05;
  assertAlpha(alpha);
  const iterations = opts.iterations ?? 10_000;
  const seed = opts.seed ?? 1;
  const { estimate, means } = resampledMeans(a, b, iterations, seed);
  return {
    estimate,
    lower: quantileSorted(means, alpha / 2),
    upper: quantileSorted(means, 1 - alpha / 2),
    alpha,
    iterations,
    seed,
  };
}

/**
 * Non-inferiority of a candidate to a baseline on paired scores (higher is
 * better): the lower bound of the one-sided 1 − alpha bootstrap interval
 * for mean(candidate − baseline), alpha default 0.025 (a 97.5% bound), must
 * exceed −margin.
 */
export function nonInferiority(
  candidate: readonly number[],
  baseline: readonly number[],
  margin: number,
  opts: BootstrapOptions & { alpha?: number } = {},
): NonInferiorityResult {
  if (typeof margin !== 'number' || !(margin >= 0) || !Number.isFinite(margin)) {
    throw new RangeError(`margin must be a non-negative finite number, got ${String(margin)}`);
  }
  const alpha = opts.alpha ?? 0.025;
  assertAlpha(alpha);
  const iterations = opts.iterations ?? 10_000;
  const seed = opts.seed ?? 1;
  const { estimate, means } = resampledMeans(candidate, baseline, iterations, seed);
  const lowerBound = quantileSorted(means, alpha);
  return { estimate, lowerBound, margin, nonInferior: lowerBound > -margin, alpha, iterations, seed };
}
