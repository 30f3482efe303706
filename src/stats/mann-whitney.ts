/**
 * The two-sided Mann–Whitney U test, matching scipy.stats.mannwhitneyu
 * with its defaults. U is reported for the first sample:
 * U₁ = R₁ − n₁(n₁ + 1)/2, the number of pairs (xᵢ, yⱼ) with xᵢ > yⱼ plus
 * half the ties. The p-value uses U = max(U₁, U₂):
 *
 * - exact: 2·P(U' ≥ U) under the permutation distribution, capped at 1;
 * - asymptotic: 2·Q((U − n₁n₂/2 − ½)/σ), with the continuity correction ½
 *   and σ² = n₁n₂/12 · ((N + 1) − Σ(t³ − t)/(N(N − 1))) corrected for ties.
 *
 * method "auto" chooses exact when there are no ties and at least one
 * sample has at most 8 values, as scipy does.
 */
import { mannWhitneySf } from './mann-whitney-distribution.js';
import { normalSf } from './normal.js';
import { rankAverage, tieCorrectionTerm } from './ranks.js';
import { assertTwoSamples } from './validate.js';

export type MannWhitneyMethod = 'auto' | 'exact' | 'asymptotic';

export interface MannWhitneyResult {
  /** U of the first sample. */
  u: number;
  n1: number;
  n2: number;
  /** Two-sided p-value. */
  p: number;
  method: 'exact' | 'asymptotic';
  /** The continuity-corrected standardized statistic (asymptotic method only, else 0). */
  z: number;
}

export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  opts: { method?: MannWhitneyMethod } = {},
): MannWhitneyResult {
  assertTwoSamples(x, y);
  const n1 = x.length;
  const n2 = y.length;
  const combined = [...x, ...y];
  const ranks = rankAverage(combined);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  const tieTerm = tieCorrectionTerm(combined);

  let method = opts.method ?? 'auto';
  if (method !== 'auto' && method !== 'exact' && method !== 'asymptotic') {
    throw new RangeError(`method must be "auto", "exact" or "asymptotic", got ${String(method)}`);
  }
  if (method === 'exact' && tieTerm > 0) throw new RangeError('the exact Mann–Whitney test needs samples without ties');
  if (method === 'auto') method = tieTerm === 0 && (n1 <= 8 || n2 <= 8) ? 'exact' : 'asymptotic';

  if (method === 'exact') {
    return { u: u1, n1, n2, p: Math.min(1, 2 * mannWhitneySf(u, n1, n2)), method, z: 0 };
  }
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (!(sigma > 0)) return { u: u1, n1, n2, p: 1, method, z: 0 };
  const z = (u - (n1 * n2) / 2 - 0.5) / sigma;
  return { u: u1, n1, n2, p: Math.min(1, 2 * normalSf(z)), method, z };
}
