/**
 * Kendall's tau-b, with the two-sided p-value of scipy.stats.kendalltau's
 * default method: exact (the permutation distribution) when neither sample
 * has ties and n ≤ 33 or the statistic is at an extreme, otherwise the
 * normal approximation with the tie-corrected variance.
 *
 * Pairs are counted directly, O(n²).
 */
import { kendallExactPValue } from './kendall-distribution.js';
import { normalSf } from './normal.js';
import { tieGroupSizes } from './ranks.js';
import { assertPairs } from './validate.js';

export interface KendallResult {
  tau: number;
  n: number;
  concordant: number;
  discordant: number;
  /** Pairs tied in x (including pairs tied in both). */
  tiesX: number;
  /** Pairs tied in y (including pairs tied in both). */
  tiesY: number;
  /** Standardized concordant − discordant under the normal approximation (0 when exact). */
  z: number;
  p: number;
  method: 'exact' | 'asymptotic';
}

interface TieStats {
  pairs: number; // Σ t(t−1)/2
  v0: number; // Σ t(t−1)(t−2)
  v1: number; // Σ t(t−1)(2t+5)
}

function tieStats(values: readonly number[]): TieStats {
  let pairs = 0;
  let v0 = 0;
  let v1 = 0;
  for (const t of tieGroupSizes(values)) {
    pairs += (t * (t - 1)) / 2;
    v0 += t * (t - 1) * (t - 2);
    v1 += t * (t - 1) * (2 * t + 5);
  }
  return { pairs, v0, v1 };
}

/** Needs n ≥ 2 pairs and neither sample constant. */
export function kendallTauB(x: readonly number[], y: readonly number[]): KendallResult {
  assertPairs(x, y, 2);
  const n = x.length;
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    for (let j = i + 1; j < n; j++) {
      const s = Math.sign(x[j]! - xi) * Math.sign(y[j]! - yi);
      if (s > 0) concordant++;
      else if (s < 0) discordant++;
    }
  }
  const total = (n * (n - 1)) / 2;
  const tx = tieStats(x);
  const ty = tieStats(y);
  if (tx.pairs === total || ty.pairs === total)
    throw new RangeError('Kendall tau is undefined when a sample is constant');
  const diff = concordant - discordant;
  const tau = Math.max(-1, Math.min(1, diff / Math.sqrt((total - tx.pairs) * (total - ty.pairs))));
  const base = { tau, n, concordant, discordant, tiesX: tx.pairs, tiesY: ty.pairs };

  const noTies = tx.pairs === 0 && ty.pairs === 0;
  if (noTies && (n <= 33 || Math.min(discordant, total - discordant) <= 1)) {
    return { ...base, z: 0, p: kendallExactPValue(n, discordant), method: 'exact' };
  }
  const m = n * (n - 1);
  const variance =
    (m * (2 * n + 5) - tx.v1 - ty.v1) / 18 + (2 * tx.pairs * ty.pairs) / m + (tx.v0 * ty.v0) / (9 * m * (n - 2));
  const z = diff / Math.sqrt(variance);
  return { ...base, z, p: Math.min(1, 2 * normalSf(Math.abs(z))), method: 'asymptotic' };
}
