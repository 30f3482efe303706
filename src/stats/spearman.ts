/**
 * Spearman's rank correlation: Pearson's r of the average ranks, with the
 * two-sided p-value from the t approximation t = ρ·√((n − 2)/(1 − ρ²)) on
 * n − 2 degrees of freedom (scipy.stats.spearmanr's p-value).
 */
import { pearson } from './pearson.js';
import { rankAverage } from './ranks.js';
import { studentTTwoSided } from './student-t.js';
import { assertPairs } from './validate.js';

export interface SpearmanResult {
  rho: number;
  n: number;
  /** The t statistic of the approximation (±Infinity when |ρ| = 1). */
  t: number;
  df: number;
  /** Two-sided p-value of the t approximation. */
  p: number;
}

/** Needs n ≥ 3 pairs and neither sample constant. */
export function spearman(x: readonly number[], y: readonly number[]): SpearmanResult {
  assertPairs(x, y, 3);
  const n = x.length;
  const rho = pearson(rankAverage(x), rankAverage(y));
  const df = n - 2;
  const denom = (1 + rho) * (1 - rho);
  const t = denom <= 0 ? (rho > 0 ? Infinity : -Infinity) : rho * Math.sqrt(df / denom);
  return { rho, n, t, df, p: studentTTwoSided(t, df) };
}
