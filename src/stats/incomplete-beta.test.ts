import { describe, expect, it } from 'vitest';
import { betaRegularized, betaRegularizedComplement } from './incomplete-beta.js';
import { expectClose } from './test-support/vectors.js';

describe('regularized incomplete beta', () => {
  it('matches the closed forms I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b', () => {
    for (const x of [0.01, 0.2, 0.5, 0.73, 0.99]) {
      for (const k of [0.5, 1, 2.5, 7]) {
        expectClose(betaRegularized(x, k, 1), x ** k, 1e-14);
        expectClose(betaRegularized(x, 1, k), 1 - (1 - x) ** k, 1e-14);
      }
    }
  });

  it('matches the binomial sum P(X ≥ a) for X ~ Bin(a + b − 1, x) at integer a, b', () => {
    const a = 4;
    const b = 7;
    const n = a + b - 1;
    for (const x of [0.1, 0.35, 0.6, 0.9]) {
      let tail = 0;
      let coef = 1;
      for (let k = 0; k <= n; k++) {
        if (k >= a) tail += coef * x ** k * (1 - x) ** (n - k);
        coef = (coef * (n - k)) / (k + 1);
      }
      expectClose(betaRegularized(x, a, b), tail, 1e-14);
    }
  });

  it('keeps the complement accurate and consistent', () => {
    for (const x of [1e-8, 0.3, 0.999]) {
      expectClose(betaRegularized(x, 2.5, 4) + betaRegularizedComplement(x, 2.5, 4), 1, 1e-15);
      expectClose(betaRegularized(x, 2.5, 4), betaRegularizedComplement(1 - x, 4, 2.5), 1e-15);
    }
    expect(betaRegularized(0, 2, 3)).toBe(0);
    expect(betaRegularized(1, 2, 3)).toBe(1);
  });

  it('rejects arguments outside the domain', () => {
    expect(() => betaRegularized(1.1, 1, 1)).toThrow(RangeError);
    expect(() => betaRegularized(0.5, 0, 1)).toThrow(RangeError);
  });
});
