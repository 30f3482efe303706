/**
 * Descriptive statistics: mean, variance, standard deviation, quantiles
 * with linear interpolation between order statistics (numpy's default,
 * R's type 7), median and p95.
 */
import { assertFiniteArray } from './validate.js';

export function mean(xs: readonly number[]): number {
  assertFiniteArray('xs', xs, 1);
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Σ (x − mean)² / (n − ddof); ddof = 1 (the sample variance) by default, 0 for the population variance. */
export function variance(xs: readonly number[], ddof = 1): number {
  if (!Number.isInteger(ddof) || ddof < 0) throw new RangeError(`ddof must be a non-negative integer, got ${ddof}`);
  assertFiniteArray('xs', xs, ddof + 1);
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return ss / (xs.length - ddof);
}

export function standardDeviation(xs: readonly number[], ddof = 1): number {
  return Math.sqrt(variance(xs, ddof));
}

/** Quantile of already ascending-sorted values, linear interpolation; q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty array');
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0, 1], got ${String(q)}`);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const below = sorted[lo]!;
  if (lo + 1 >= sorted.length) return below;
  const above = sorted[lo + 1]!;
  const frac = h - lo;
  // numpy's lerp: measured from the nearer end, so the result is exact at both ends.
  return frac < 0.5 ? below + frac * (above - below) : above - (1 - frac) * (above - below);
}

export function quantile(xs: readonly number[], q: number): number {
  assertFiniteArray('xs', xs, 1);
  return quantileSorted(
    [...xs].sort((a, b) => a - b),
    q,
  );
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

export function p95(xs: readonly number[]): number {
  return quantile(xs, 0.95);
}

export interface Summary {
  n: number;
  mean: number;
  /** Sample variance (n − 1 denominator); 0 when n = 1. */
  variance: number;
  sd: number;
  min: number;
  max: number;
  median: number;
  p95: number;
}

export function describe(xs: readonly number[]): Summary {
  assertFiniteArray('xs', xs, 1);
  const sorted = [...xs].sort((a, b) => a - b);
  const v = xs.length > 1 ? variance(xs) : 0;
  return {
    n: xs.length,
    mean: mean(xs),
    variance: v,
    sd: Math.sqrt(v),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
  };
}
