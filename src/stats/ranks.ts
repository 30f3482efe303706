/**
 * Ranks with ties given the average of the ranks they span (1-based, the
 * "average" method of scipy.stats.rankdata and R's rank()), and the sizes
 * of the tie groups that tie corrections need.
 */
import { assertFiniteArray } from './validate.js';

function sortedOrder(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
}

/** rank(values)[i] is the 1-based average rank of values[i]. */
export function rankAverage(values: readonly number[]): number[] {
  assertFiniteArray('values', values);
  const order = sortedOrder(values);
  const ranks = new Array<number>(values.length).fill(0);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end−1 hold equal values: ranks start+1..end, averaged.
    const avg = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = avg;
    start = end;
  }
  return ranks;
}

/** Sizes of the groups of equal values, in increasing order of value (groups of one included). */
export function tieGroupSizes(values: readonly number[]): number[] {
  assertFiniteArray('values', values);
  const sorted = [...values].sort((a, b) => a - b);
  const sizes: number[] = [];
  let start = 0;
  while (start < sorted.length) {
    let end = start + 1;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    sizes.push(end - start);
    start = end;
  }
  return sizes;
}

/** Σ (t³ − t) over tie groups: the term in the tie-corrected rank-sum variance. */
export function tieCorrectionTerm(values: readonly number[]): number {
  let sum = 0;
  for (const t of tieGroupSizes(values)) sum += t * t * t - t;
  return sum;
}

export function hasTies(values: readonly number[]): boolean {
  return tieGroupSizes(values).some((t) => t > 1);
}
