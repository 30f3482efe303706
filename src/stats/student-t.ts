/**
 * Student's t distribution with df > 0 degrees of freedom: cdf, upper tail,
 * two-sided tail and quantile, through the regularized incomplete beta.
 */
import { betaRegularized, betaRegularizedComplement } from './incomplete-beta.js';
import { logGamma } from './log-gamma.js';
import { normalQuantile } from './normal.js';

function checkDf(df: number): void {
  if (typeof df !== 'number' || !(df > 0) || !Number.isFinite(df)) {
    throw new RangeError(`student t: df must be a positive finite number, got ${String(df)}`);
  }
}

/** P(|T| ≥ |t|). */
export function studentTTwoSided(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  const t2 = t * t;
  // P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, ½) = 1 − I_{t²/(df+t²)}(½, df/2); use the form whose argument is small.
  if (t2 < df) return betaRegularizedComplement(t2 / (df + t2), 0.5, df / 2);
  return betaRegularized(df / (df + t2), df / 2, 0.5);
}

/** P(T > t). */
export function studentTSf(t: number, df: number): number {
  const half = studentTTwoSided(t, df) / 2;
  return t >= 0 ? half : 1 - half;
}

/** P(T ≤ t). */
export function studentTCdf(t: number, df: number): number {
  const half = studentTTwoSided(t, df) / 2;
  return t >= 0 ? 1 - half : half;
}

export function studentTPdf(t: number, df: number): number {
  checkDf(df);
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** The t with P(T ≤ t) = p, by safeguarded Newton steps from the normal quantile. */
export function studentTQuantile(p: number, df: number): number {
  checkDf(df);
  if (typeof p !== 'number' || Number.isNaN(p) || p < 0 || p > 1) {
    throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${String(p)}`);
  }
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Solve in the lower tail and reflect, so the target keeps its digits.
  const target = Math.min(p, 1 - p);
  let lo = -1;
  while (studentTCdf(lo, df) > target) lo *= 2;
  let hi = 0;
  let t = Math.max(lo, Math.min(hi, normalQuantile(target)));
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, df) - target;
    if (f === 0) break;
    if (f > 0) hi = t;
    else lo = t;
    let next = t - f / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) {
      t = next;
      break;
    }
    t = next;
  }
  return p < 0.5 ? t : -t;
}
