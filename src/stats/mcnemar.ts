/**
 * The exact McNemar test for paired binary outcomes. Only the discordant
 * pairs count: b pairs where the first condition succeeded and the second
 * failed, c the other way round. Under the null each discordant pair goes
 * either way with probability ½, so the two-sided p-value is
 * min(1, 2·P(X ≤ min(b, c))) for X ~ Binomial(b + c, ½).
 */
import { betaRegularized } from './incomplete-beta.js';
import { assertNonNegativeInteger } from './validate.js';

export interface McNemarResult {
  b: number;
  c: number;
  /** Discordant pairs, b + c. */
  n: number;
  p: number;
}

/** P(X ≤ k) for X ~ Binomial(n, ½). */
function binomialHalfCdf(k: number, n: number): number {
  if (k >= n) return 1;
  if (n <= 1000) {
    // Σ C(n, i)/2ⁿ by the term ratio C(n, i+1)/C(n, i) = (n − i)/(i + 1); 2⁻¹⁰⁰⁰ is still a normal double.
    let term = 2 ** -n;
    let sum = term;
    for (let i = 0; i < k; i++) {
      term = (term * (n - i)) / (i + 1);
      sum += term;
    }
    return sum;
  }
  return betaRegularized(0.5, n - k, k + 1);
}

export function mcnemarExact(b: number, c: number): McNemarResult {
  assertNonNegativeInteger('b', b);
  assertNonNegativeInteger('c', c);
  const n = b + c;
  const p = n === 0 ? 1 : Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), n));
  return { b, c, n, p };
}
