/**
 * The exact null distribution of the Mann–Whitney U statistic for samples
 * of sizes m and n without ties. The number of arrangements with U = u is
 * the coefficient of q^u in the Gaussian binomial coefficient
 * [m+n choose m]_q = Π_{i=1..m} (1 − q^(n+i)) / (1 − q^i); the product is
 * built factor by factor, truncated at the degree needed, so the cost is
 * O(min(m, n) · u).
 */
import { assertPositiveInteger } from './validate.js';

/** P(U ≤ u) under the null for sample sizes m and n. */
export function mannWhitneyCdf(u: number, m: number, n: number): number {
  assertPositiveInteger('m', m);
  assertPositiveInteger('n', n);
  if (u < 0) return 0;
  if (u >= m * n) return 1;
  const k = Math.floor(u);
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  // Coefficients scaled by a running factor so they stay in range; their ratio is what matters.
  const coeffs = new Float64Array(k + 1);
  coeffs[0] = 1;
  let logScale = 0;
  for (let i = 1; i <= small; i++) {
    // Multiply by (1 − q^(large+i)).
    const shift = large + i;
    for (let d = k; d >= shift; d--) coeffs[d]! -= coeffs[d - shift]!;
    // Divide by (1 − q^i): c[d] += c[d − i], ascending.
    for (let d = i; d <= k; d++) coeffs[d]! += coeffs[d - i]!;
    // Keep magnitudes bounded.
    let max = 0;
    for (let d = 0; d <= k; d++) max = Math.max(max, Math.abs(coeffs[d]!));
    if (max > 1e200) {
      for (let d = 0; d <= k; d++) coeffs[d]! /= max;
      logScale += Math.log(max);
    }
  }
  let sum = 0;
  for (let d = 0; d <= k; d++) sum += coeffs[d]!;
  // Total arrangements C(m + n, m): exact in floating point while small, else on the log scale.
  let total = 1;
  let logTotal = 0;
  for (let i = 1; i <= small; i++) {
    total = (total * (large + i)) / i;
    logTotal += Math.log(large + i) - Math.log(i);
  }
  if (logScale === 0 && total < 2 ** 53) return Math.min(1, sum / total);
  return Math.min(1, Math.exp(Math.log(sum) + logScale - logTotal));
}

/** P(U ≥ u) under the null, using the symmetry U ↔ mn − U. */
export function mannWhitneySf(u: number, m: number, n: number): number {
  if (Number.isNaN(u)) throw new RangeError('u must be a number');
  return mannWhitneyCdf(m * n - Math.ceil(u), m, n);
}
