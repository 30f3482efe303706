/**
 * Isotonic (non-decreasing) regression by pool-adjacent-violators, and a
 * monotone map fitted to (x, y) pairs.
 *
 * isotonicRegression(y, w) minimizes Σ wᵢ(yᵢ − fᵢ)² subject to
 * f₁ ≤ f₂ ≤ … ≤ fₙ. isotonicMap(x, y, w) sorts the pairs by x, pools pairs
 * with equal x into one point (weighted mean of y, summed weight), fits
 * that, and returns predict(x): linear interpolation between the fitted
 * knots, clamped to the end values outside them (scikit-learn's
 * IsotonicRegression with out_of_bounds="clip").
 */
import { assertFiniteArray, assertPairs } from './validate.js';

function checkWeights(w: readonly number[] | undefined, n: number): readonly number[] {
  if (w === undefined) return new Array<number>(n).fill(1);
  assertFiniteArray('weights', w);
  if (w.length !== n) throw new RangeError(`weights must have the same length as y, got ${w.length} and ${n}`);
  w.forEach((v, i) => {
    if (!(v > 0)) throw new RangeError(`weights[${i}] must be positive, got ${v}`);
  });
  return w;
}

/** The non-decreasing fit to y (optionally weighted), one value per input. */
export function isotonicRegression(y: readonly number[], weights?: readonly number[]): number[] {
  assertFiniteArray('y', y);
  const w = checkWeights(weights, y.length);
  // Blocks of pooled neighbours: weighted mean, total weight, count.
  const means: number[] = [];
  const totals: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < y.length; i++) {
    let m = y[i]!;
    let t = w[i]!;
    let c = 1;
    while (means.length > 0 && means[means.length - 1]! > m) {
      const pm = means.pop()!;
      const pt = totals.pop()!;
      const pc = counts.pop()!;
      m = (pm * pt + m * t) / (pt + t);
      t += pt;
      c += pc;
    }
    means.push(m);
    totals.push(t);
    counts.push(c);
  }
  const out: number[] = [];
  means.forEach((m, b) => {
    for (let k = 0; k < counts[b]!; k++) out.push(m);
  });
  return out;
}

export interface IsotonicMap {
  /** Distinct x values, ascending. */
  knotsX: number[];
  /** The fitted, non-decreasing value at each knot. */
  knotsY: number[];
  /** Linear interpolation between knots; the end values outside them. */
  predict: (x: number) => number;
}

/** Fits a non-decreasing map from x to y; needs at least one pair. */
export function isotonicMap(x: readonly number[], y: readonly number[], weights?: readonly number[]): IsotonicMap {
  assertPairs(x, y, 1);
  const w = checkWeights(weights, y.length);
  const order = x.map((_, i) => i).sort((i, j) => x[i]! - x[j]!);
  const knotsX: number[] = [];
  const pooledY: number[] = [];
  const pooledW: number[] = [];
  for (const i of order) {
    const xi = x[i]!;
    const last = knotsX.length - 1;
    if (last >= 0 && knotsX[last] === xi) {
      const tw = pooledW[last]! + w[i]!;
      pooledY[last] = (pooledY[last]! * pooledW[last]! + y[i]! * w[i]!) / tw;
      pooledW[last] = tw;
    } else {
      knotsX.push(xi);
      pooledY.push(y[i]!);
      pooledW.push(w[i]!);
    }
  }
  const knotsY = isotonicRegression(pooledY, pooledW);
  const predict = (v: number): number => {
    if (Number.isNaN(v)) return NaN;
    if (v <= knotsX[0]!) return knotsY[0]!;
    const last = knotsX.length - 1;
    if (v >= knotsX[last]!) return knotsY[last]!;
    // Largest knot index with knotsX[i] ≤ v.
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (knotsX[mid]! <= v) lo = mid;
      else hi = mid;
    }
    const x0 = knotsX[lo]!;
    const x1 = knotsX[hi]!;
    const y0 = knotsY[lo]!;
    const y1 = knotsY[hi]!;
    return y0 + ((v - x0) / (x1 - x0)) * (y1 - y0);
  };
  return { knotsX, knotsY, predict };
}
