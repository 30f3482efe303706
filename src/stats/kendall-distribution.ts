/**
 * The exact null distribution of Kendall's statistic without ties: the
 * number of discordant pairs of a random permutation of n items is the
 * number of its inversions, with generating function
 * Π_{j=1..n} (1 + q + … + q^(j−1)) / n!.
 */
import { assertPositiveInteger } from './validate.js';

/** P(inversions ≤ c) for a uniformly random permutation of n items. */
export function inversionsCdf(n: number, c: number): number {
  assertPositiveInteger('n', n);
  const total = (n * (n - 1)) / 2;
  if (c < 0) return 0;
  if (c >= total) return 1;
  const k = Math.floor(c);
  // probs[i] = P(inversions = i) for permutations of j items, truncated at k.
  let probs = new Float64Array(k + 1);
  probs[0] = 1;
  for (let j = 2; j <= n; j++) {
    // Multiply by (1 + q + … + q^(j−1))/j: a moving window sum of width j.
    const next = new Float64Array(k + 1);
    let window = 0;
    for (let i = 0; i <= k; i++) {
      window += probs[i]!;
      if (i - j >= 0) window -= probs[i - j]!;
      next[i] = window / j;
    }
    probs = next;
  }
  let sum = 0;
  for (let i = 0; i <= k; i++) sum += probs[i]!;
  return Math.min(1, sum);
}

/**
 * Two-sided exact p-value for n items without ties and `discordant`
 * discordant pairs: 2·P(inversions ≤ min(dis, n(n−1)/2 − dis)), capped at 1
 * (scipy.stats.kendalltau's exact method).
 */
export function kendallExactPValue(n: number, discordant: number): number {
  assertPositiveInteger('n', n);
  const total = (n * (n - 1)) / 2;
  if (n <= 2) return 1;
  const c = Math.min(discordant, total - discordant);
  if (4 * c === n * (n - 1)) return 1;
  return Math.min(1, 2 * inversionsCdf(n, c));
}
