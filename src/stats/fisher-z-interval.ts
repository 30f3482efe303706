/**
 * Confidence intervals for a correlation through Fisher's z = atanh(r):
 * tanh(atanh(r) ± z_{1−α/2}·se). Pearson's r uses se = 1/√(n − 3);
 * Spearman's ρ uses the Bonett–Wright standard error
 * se = √((1 + ρ²/2)/(n − 3)) (Bonett and Wright, Psychometrika 65, 2000).
 */
import type { Interval } from './interval.js';
import { normalQuantile } from './normal.js';
import { assertAlpha } from './validate.js';

export interface CorrelationInterval extends Interval {
  /** The standard error on the z scale. */
  seZ: number;
}

function checkR(r: number): void {
  if (typeof r !== 'number' || !(r >= -1 && r <= 1))
    throw new RangeError(`correlation must be in [−1, 1], got ${String(r)}`);
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`a Fisher z interval needs n ≥ 4, got ${n}`);
}

/** tanh(atanh(r) ± z_{1−α/2}·seZ). */
export function fisherZInterval(r: number, seZ: number, alpha = 0.05): CorrelationInterval {
  checkR(r);
  assertAlpha(alpha);
  if (!(seZ >= 0) || !Number.isFinite(seZ))
    throw new RangeError(`seZ must be a non-negative finite number, got ${seZ}`);
  const z = Math.atanh(r);
  const half = normalQuantile(1 - alpha / 2) * seZ;
  return { lower: Math.tanh(z - half), upper: Math.tanh(z + half), seZ };
}

/** Interval for Pearson's r from n pairs. */
export function pearsonInterval(r: number, n: number, alpha = 0.05): CorrelationInterval {
  checkN(n);
  return fisherZInterval(r, 1 / Math.sqrt(n - 3), alpha);
}

/** Bonett–Wright interval for Spearman's ρ from n pairs. */
export function bonettWrightInterval(rho: number, n: number, alpha = 0.05): CorrelationInterval {
  checkR(rho);
  checkN(n);
  return fisherZInterval(rho, Math.sqrt((1 + (rho * rho) / 2) / (n - 3)), alpha);
}
