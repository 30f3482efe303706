import { logBeta } from './log-gamma.js';

/**
 * Anytime-valid confidence sequences: intervals that cover the true value at
 * every sample size at once with probability ≥ 1 − α, so a decision may look
 * after every new observation (and stop at any time) without raising its
 * error rate. Each bound is the set of values a nonnegative martingale (an
 * e-process) has not yet rejected at level 1/α; Ville's inequality,
 * P(sup_t M_t ≥ 1/α) ≤ α, is the whole guarantee.
 *
 * - Rates (errors / requests): Robbins' beta-binomial mixture. Exact for
 *   Bernoulli data at every n, no approximation.
 * - Differences of means (judged quality, log latencies, costs): the normal
 *   mixture (Robbins 1970; the mSPRT of Johari, Koomen, Pekelis & Walsh,
 *   "Always valid inference", Operations Research 2022) in information time
 *   I = 1 / se², with the sample variances plugged in. Exact for Gaussian
 *   data of known variance; with estimated variances it is the asymptotic
 *   confidence sequence of Waudby-Smith, Arnold, Wu, Howard & Ramdas
 *   ("Time-uniform central limit theory and asymptotic confidence
 *   sequences", Annals of Statistics 2024), valid as the samples grow.
 */

/** Sample moments of one arm: count, mean and the sum of squared deviations (Welford's M2). */
export interface Moments {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
}

export const EMPTY_MOMENTS: Moments = { n: 0, mean: 0, m2: 0 };

/** The moments of xs (one pass, Welford). */
export function moments(xs: readonly number[]): Moments {
  let m: Moments = EMPTY_MOMENTS;
  for (const x of xs) m = addMoment(m, x);
  return m;
}

/** The moments with one more value. */
export function addMoment(m: Moments, x: number): Moments {
  const n = m.n + 1;
  const d = x - m.mean;
  const mean = m.mean + d / n;
  return { n, mean, m2: m.m2 + d * (x - mean) };
}

/** The moments of two samples pooled (Chan, Golub & LeVeque). */
export function mergeMoments(a: Moments, b: Moments): Moments {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const d = b.mean - a.mean;
  return { n, mean: a.mean + (d * b.n) / n, m2: a.m2 + b.m2 + (d * d * a.n * b.n) / n };
}

/** Sample variance (n − 1 denominator); 0 below two values. */
export function momentsVariance(m: Moments): number {
  return m.n > 1 ? Math.max(0, m.m2 / (m.n - 1)) : 0;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${String(alpha)}`);
}

/**
 * ln of the two-sided normal-mixture martingale for a sum S with intrinsic
 * time V (the sum's variance) and mixing precision ρ (the mixing
 * distribution on the drift is N(0, 1/ρ)):
 *   ln M = ½ ln(ρ / (V + ρ)) + S² / (2 (V + ρ)).
 */
export function normalMixtureLogEvidence(s: number, v: number, rho: number): number {
  if (!(v >= 0) || !(rho > 0)) throw new RangeError('normal mixture: v must be ≥ 0 and rho > 0');
  return 0.5 * Math.log(rho / (v + rho)) + (s * s) / (2 * (v + rho));
}

/** The |S| at which the normal mixture reaches 1/α: √((V + ρ)(ln((V + ρ)/ρ) + 2 ln(1/α))). */
export function normalMixtureBoundary(v: number, rho: number, alpha: number): number {
  checkAlpha(alpha);
  if (!(v >= 0) || !(rho > 0)) throw new RangeError('normal mixture: v must be ≥ 0 and rho > 0');
  return Math.sqrt((v + rho) * (Math.log((v + rho) / rho) + 2 * Math.log(1 / alpha)));
}

/**
 * The mixing precision ρ that makes the normal-mixture boundary tightest at
 * intrinsic time `vPlanned`: ρ = x·V with x solving ln((1 + x)/x) + 2 ln(1/α) = 1/x.
 */
export function normalMixtureRho(vPlanned: number, alpha: number): number {
  checkAlpha(alpha);
  if (!(vPlanned > 0)) throw new RangeError('normal mixture: vPlanned must be > 0');
  return optimalRhoFraction(alpha) * vPlanned;
}

const rhoFractions = new Map<number, number>();

/** x(α): the root of ln((1 + x)/x) + 2 ln(1/α) = 1/x, by bisection on a log scale (memoized per α). */
function optimalRhoFraction(alpha: number): number {
  const known = rhoFractions.get(alpha);
  if (known !== undefined) return known;
  const g = (x: number) => Math.log((1 + x) / x) + 2 * Math.log(1 / alpha) - 1 / x;
  let lo = 1e-9;
  let hi = 1e9;
  for (let i = 0; i < 200; i++) {
    const mid = Math.sqrt(lo * hi);
    if (g(mid) < 0) lo = mid;
    else hi = mid;
  }
  const x = Math.sqrt(lo * hi);
  if (rhoFractions.size < 64) rhoFractions.set(alpha, x);
  return x;
}

/** The half-width, in the estimate's units, of the normal-mixture sequence at information I = 1 / se². */
export function mixtureRadius(information: number, rho: number, alpha: number): number {
  if (!(information > 0)) return Number.POSITIVE_INFINITY;
  if (information === Number.POSITIVE_INFINITY) return 0;
  return normalMixtureBoundary(information, rho, alpha) / information;
}

/**
 * The half-width of the normal-mixture sequence for an estimate with
 * standard error `se` after `n` samples, its mixing precision `rho` counted
 * in samples (ρ_info = rho / (n se²), fixed when se² ∝ 1/n):
 *   se · √((1 + ρ/n)(ln(1 + n/ρ) + 2 ln(1/α))).
 * Scale-free: the asymptotic sequence of Waudby-Smith et al. (their Gaussian mixture, σ̂ plugged in).
 */
export function sequenceRadius(se: number, n: number, rho: number, alpha: number): number {
  checkAlpha(alpha);
  if (!(n > 0) || !(rho > 0)) throw new RangeError('sequenceRadius: n and rho must be > 0');
  return se * Math.sqrt((1 + rho / n) * (Math.log(1 + n / rho) + 2 * Math.log(1 / alpha)));
}

export interface DifferenceSequence {
  /** mean(a) − k · mean(b). */
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** 1 / se² of the estimate, with the plugged-in sample variances. */
  readonly information: number;
  readonly se: number;
  /** The sample count the mixing precision is counted in. */
  readonly n: number;
}

export interface DifferenceOptions {
  readonly alpha: number;
  /** Mixing precision in samples, fixed before the data (normalMixtureRho of the planned sample count). */
  readonly rho: number;
  /** The sample count that clocks the sequence; default a.n. */
  readonly n?: number;
  /** The estimate is mean(a) − k · mean(b); default 1 (a plain difference). k = c turns "ratio ≤ c" into "estimate ≤ 0". */
  readonly k?: number;
  /** Each arm's variance is at least this (a constant sample is not an exact one). Default 0. */
  readonly varianceFloor?: number;
}

/**
 * Two-sample confidence sequence for mean(a) − k·mean(b): the estimate ±
 * sequenceRadius(se, n), se² = s²_a / n_a + k² s²_b / n_b. With equal
 * sizes, known σ and k = 1 its mixture is the mSPRT of Johari et al. (with
 * τ² = 2σ² / ρ). Needs two values in each arm.
 */
export function differenceSequence(a: Moments, b: Moments, opts: DifferenceOptions): DifferenceSequence {
  checkAlpha(opts.alpha);
  if (a.n < 2 || b.n < 2) throw new RangeError('differenceSequence needs two values in each arm');
  const k = opts.k ?? 1;
  const floor = opts.varianceFloor ?? 0;
  const va = Math.max(momentsVariance(a), floor) / a.n;
  const vb = (k * k * Math.max(momentsVariance(b), floor)) / b.n;
  const se2 = va + vb;
  const information = se2 > 0 ? 1 / se2 : Number.POSITIVE_INFINITY;
  const estimate = a.mean - k * b.mean;
  const n = opts.n ?? a.n;
  const se = Math.sqrt(se2);
  const r = sequenceRadius(se, n, opts.rho, opts.alpha);
  return { estimate, lower: estimate - r, upper: estimate + r, information, se, n };
}

/**
 * ln of the difference sequence's e-value against "the difference is `at`":
 * ½ ln(ρ / (n + ρ)) + z² n / (2 (n + ρ)), z = (estimate − at) / se — the
 * normal mixture in information time; ≥ ln(1/α) exactly outside the sequence.
 */
export function differenceLogEvidence(d: DifferenceSequence, at: number, rho: number): number {
  if (d.information === Number.POSITIVE_INFINITY) return d.estimate === at ? 0 : Number.POSITIVE_INFINITY;
  const z = (d.estimate - at) / d.se;
  return 0.5 * Math.log(rho / (d.n + rho)) + (z * z * d.n) / (2 * (d.n + rho));
}

export interface RateSequenceOptions {
  readonly alpha: number;
  /** The beta prior mixed over: Beta(a, b), fixed before the data. Default Beta(1, 1). */
  readonly a?: number;
  readonly b?: number;
}

/**
 * ln of Robbins' beta-binomial mixture against "the rate is p0" after k
 * events in n trials: ln B(a + k, b + n − k) − ln B(a, b) − k ln p0 − (n − k) ln(1 − p0).
 * A martingale of mean 1 under p0, so it passes 1/α with probability ≤ α ever.
 */
export function rateLogEvidence(k: number, n: number, p0: number, a = 1, b = 1): number {
  if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && k <= n)) {
    throw new RangeError('rateLogEvidence: k and n must be integers with 0 ≤ k ≤ n');
  }
  if (!(p0 >= 0 && p0 <= 1)) throw new RangeError('rateLogEvidence: p0 must be in [0, 1]');
  const mix = logBeta(a + k, b + n - k) - logBeta(a, b);
  const lk = k === 0 ? 0 : k * Math.log(p0);
  const ln = n - k === 0 ? 0 : (n - k) * Math.log(1 - p0);
  return mix - lk - ln;
}

/**
 * The confidence sequence for a Bernoulli rate after k events in n trials:
 * every p0 whose beta-binomial mixture stays below 1/α. It is an interval
 * (the log-likelihood is concave in p0); [0, 1] at n = 0.
 */
export function rateSequence(k: number, n: number, opts: RateSequenceOptions): { lower: number; upper: number } {
  checkAlpha(opts.alpha);
  const a = opts.a ?? 1;
  const b = opts.b ?? 1;
  if (!(a > 0 && b > 0)) throw new RangeError('rateSequence: the prior needs a, b > 0');
  if (n === 0) return { lower: 0, upper: 1 };
  const level = Math.log(1 / opts.alpha);
  const mix = logBeta(a + k, b + n - k) - logBeta(a, b);
  const inside = (p: number) => {
    const lk = k === 0 ? 0 : k * Math.log(p);
    const ln = n - k === 0 ? 0 : (n - k) * Math.log(1 - p);
    return mix - lk - ln < level;
  };
  const hat = k / n;
  const search = (out: number, inn: number) => {
    for (let i = 0; i < 60; i++) {
      const mid = (out + inn) / 2;
      if (inside(mid)) inn = mid;
      else out = mid;
    }
    return inn;
  };
  const lower = k === 0 || inside(0) ? 0 : search(0, hat);
  const upper = k === n || inside(1) ? 1 : search(1, hat);
  return { lower, upper };
}
