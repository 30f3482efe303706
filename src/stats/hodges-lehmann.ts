/**
 * The Hodges–Lehmann estimate of the location shift between two samples,
 * median{xᵢ − yⱼ}, and the normal-approximation confidence interval of
 * R's wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = TRUE),
 * the interval Kayenta's Mann–Whitney classifier uses.
 *
 * R defines each bound as the shift d at which the continuity-corrected
 * statistic (U(d) − n₁n₂/2 − sign·½)/σ, computed on (x − d, y), crosses
 * ±z_{1−α/2}, and finds it with uniroot (tolerance 1e-4). That statistic is
 * a step function of d that only jumps at the pairwise differences and is
 * constant in between, so the crossing is solved exactly here: the bound is
 * the pairwise difference at which the step crosses. R's values agree to
 * within its root-finding tolerance. The estimate R reports with
 * exact = FALSE is the root of the same statistic without the continuity
 * correction, which is the median of the pairwise differences (the midpoint
 * of the flat stretch when the count is even).
 */
import type { Interval } from './interval.js';
import { normalQuantile } from './normal.js';
import { rankAverage, tieCorrectionTerm } from './ranks.js';
import { assertAlpha, assertTwoSamples } from './validate.js';

export interface HodgesLehmannResult extends Interval {
  /** median{xᵢ − yⱼ}: the shift of x relative to y. */
  estimate: number;
  alpha: number;
}

/** All n₁n₂ differences xᵢ − yⱼ, ascending. */
function sortedDifferences(x: readonly number[], y: readonly number[]): Float64Array {
  const d = new Float64Array(x.length * y.length);
  let k = 0;
  for (const xi of x) for (const yj of y) d[k++] = xi - yj;
  return d.sort();
}

function medianOfSorted(d: Float64Array): number {
  const n = d.length;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? d[mid]! : (d[mid - 1]! + d[mid]!) / 2;
}

/** median{xᵢ − yⱼ}. */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[]): number {
  assertTwoSamples(x, y);
  return medianOfSorted(sortedDifferences(x, y));
}

/** The normal-approximation interval with the continuity correction; alpha = 1 − conf.level. */
export function hodgesLehmann(
  x: readonly number[],
  y: readonly number[],
  opts: { alpha?: number } = {},
): HodgesLehmannResult {
  assertTwoSamples(x, y);
  const alpha = opts.alpha ?? 0.05;
  assertAlpha(alpha);
  const n1 = x.length;
  const n2 = y.length;
  const nn = n1 * n2;
  const n = n1 + n2;
  const diffs = sortedDifferences(x, y);

  /** The standardized, continuity-corrected statistic minus zq, for a given U and tie term. */
  const statistic = (u: number, tieTerm: number, zq: number): number => {
    const sigma = Math.sqrt((nn / 12) * (n + 1 - tieTerm / (n * (n - 1))));
    if (!(sigma > 0)) throw new RangeError('cannot compute a confidence interval when all observations are tied');
    const dz = u - nn / 2;
    return (dz - Math.sign(dz) * 0.5) / sigma - zq;
  };

  /** The statistic at a shift d itself, from the ranks of (x − d, y) as R computes it. */
  const statisticAt = (d: number, zq: number): number => {
    const shifted = [...x.map((v) => v - d), ...y];
    const ranks = rankAverage(shifted);
    let r1 = 0;
    for (let i = 0; i < n1; i++) r1 += ranks[i]!;
    return statistic(r1 - (n1 * (n1 + 1)) / 2, tieCorrectionTerm(shifted), zq);
  };

  // Between two consecutive distinct differences no xᵢ − d equals any yⱼ, so only the ties
  // within x and within y remain, and U is the count of differences above d.
  const tieTermBetween = tieCorrectionTerm(x) + tieCorrectionTerm(y);
  const distinct: number[] = [];
  const countAbove: number[] = []; // countAbove[k]: differences > distinct[k]
  for (let i = 0; i < diffs.length; ) {
    let j = i + 1;
    while (j < diffs.length && diffs[j] === diffs[i]) j++;
    distinct.push(diffs[i]!);
    countAbove.push(diffs.length - j);
    i = j;
  }
  const lowest = distinct[0]!;
  const highest = distinct[distinct.length - 1]!;

  const root = (zq: number): number => {
    if (statisticAt(lowest, zq) <= 0) return lowest;
    if (statisticAt(highest, zq) >= 0) return highest;
    // between(k): the statistic on the open stretch (distinct[k], distinct[k+1]); non-increasing in k.
    const between = (k: number): number => statistic(countAbove[k]!, tieTermBetween, zq);
    // First stretch where the statistic is ≤ 0, by bisection.
    let lo = 0;
    let hi = distinct.length - 2;
    if (hi < 0) return lowest;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (between(mid) <= 0) hi = mid;
      else lo = mid + 1;
    }
    const value = between(lo);
    if (value > 0) return highest; // positive up to the last difference, negative at it
    if (value < 0) return distinct[lo]!; // the step crosses zero at the left end of the stretch
    // The statistic is exactly zero on a run of stretches: any point of it is a root; take its middle.
    let end = lo;
    while (end + 1 < distinct.length - 1 && between(end + 1) === 0) end++;
    return (distinct[lo]! + distinct[end + 1]!) / 2;
  };

  const z = normalQuantile(1 - alpha / 2);
  return { estimate: medianOfSorted(diffs), lower: root(z), upper: root(-z), alpha };
}
