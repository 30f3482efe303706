/**
 * The one-sided tabular CUSUM (Page 1954) and what its error rates are.
 *
 * For standardized observations z (mean 0, sd 1 while in control) the upper
 * CUSUM is S₀ = 0, Sₜ = max(0, Sₜ₋₁ + zₜ − k), alarming when Sₜ > h. Its
 * average run length (ARL: observations until an alarm) when the mean of z
 * is `shift` follows Siegmund's approximation (Siegmund 1985, eq. 2.54; the
 * form quoted in Montgomery, Introduction to Statistical Quality Control,
 * §9.1.6):
 *
 *   Δ = shift − k,  b = h + 1.166,
 *   ARL ≈ (exp(−2Δb) + 2Δb − 1) / (2Δ²)   (Δ ≠ 0),   b²   (Δ = 0).
 *
 * The two-sided scheme (an upper and a lower CUSUM) has
 * 1/ARL = 1/ARL⁺ + 1/ARL⁻; Montgomery's Table 9.3 lists it.
 *
 * For a Bernoulli stream (a detector's flags) the CUSUM of log-likelihood
 * ratios of p₁ against p₀ alarms at h; whatever p₀ is, its in-control ARL is
 * at least e^h (Lorden 1971: the LLR CUSUM's false-alarm time is bounded below
 * by the inverse of the threshold's likelihood ratio). Sluice states that
 * bound, which holds exactly, rather than an approximation.
 */

const B_CORRECTION = 1.166;

function checkPositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0))
    throw new RangeError(`${name} must be a positive finite number, got ${String(v)}`);
}

/** Siegmund's ARL of the one-sided CUSUM with reference k and threshold h when z has mean `shift` (sd 1). */
export function cusumArl(k: number, h: number, shift = 0): number {
  checkPositive('k', k);
  if (!(Number.isFinite(h) && h >= 0)) throw new RangeError(`h must be a finite number ≥ 0, got ${String(h)}`);
  if (!Number.isFinite(shift)) throw new RangeError(`shift must be finite, got ${String(shift)}`);
  const d = shift - k;
  const b = h + B_CORRECTION;
  const x = 2 * d * b;
  // Near Δ = 0 the closed form cancels; its series b²(1 − x/3 + x²/12 − x³/60) is exact to 1e-13 there.
  if (Math.abs(x) < 1e-3) return b * b * (1 - x / 3 + (x * x) / 12 - (x * x * x) / 60);
  return (Math.exp(-x) + x - 1) / (2 * d * d);
}

/** The two-sided ARL (upper and lower CUSUM with the same k and h), as Montgomery's Table 9.3 gives it. */
export function twoSidedCusumArl(k: number, h: number, shift = 0): number {
  return 1 / (1 / cusumArl(k, h, shift) + 1 / cusumArl(k, h, -shift));
}

/** The threshold h at which the in-control (shift 0) ARL is `arl0`, by Siegmund's approximation. */
export function cusumThreshold(k: number, arl0: number): number {
  checkPositive('k', k);
  if (!(Number.isFinite(arl0) && arl0 > 1))
    throw new RangeError(`arl0 must be a finite number > 1, got ${String(arl0)}`);
  if (cusumArl(k, 0) >= arl0) return 0;
  let lo = 0;
  let hi = 1;
  while (cusumArl(k, hi) < arl0) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (cusumArl(k, mid) < arl0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** One step of the upper CUSUM: max(0, s + z − k), capped at `cap` (default: no cap). */
export function cusumStep(s: number, z: number, k: number, cap = Infinity): number {
  return Math.min(cap, Math.max(0, s + z - k));
}

/** The log-likelihood ratios of a flag (x = 1) and of no flag (x = 0) for rate p1 against p0. */
export function bernoulliLlr(p0: number, p1: number): { flagged: number; clean: number } {
  if (!(p0 > 0 && p0 < 1)) throw new RangeError(`p0 must be in (0, 1), got ${String(p0)}`);
  if (!(p1 > p0 && p1 < 1)) throw new RangeError(`p1 must be in (p0, 1), got ${String(p1)}`);
  return { flagged: Math.log(p1 / p0), clean: Math.log((1 - p1) / (1 - p0)) };
}

/** The LLR CUSUM threshold whose in-control ARL is at least `arl0` (Lorden's bound): ln(arl0). */
export function llrCusumThreshold(arl0: number): number {
  if (!(Number.isFinite(arl0) && arl0 > 1))
    throw new RangeError(`arl0 must be a finite number > 1, got ${String(arl0)}`);
  return Math.log(arl0);
}
