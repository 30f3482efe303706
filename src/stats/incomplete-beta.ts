/**
 * The regularized incomplete beta function I_x(a, b) and its complement,
 * by its classical continued fraction (Abramowitz and Stegun 26.5.8) evaluated with Lentz's
 * method, switching to the symmetric form I_x(a, b) = 1 − I_{1−x}(b, a)
 * where the fraction converges slowly.
 */
import { logBeta } from './log-gamma.js';

const EPS = 1e-16;
const TINY = 1e-300;

/** The continued fraction part, valid for x < (a + 1)/(a + b + 2). */
function continuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** x^a (1−x)^b / (a B(a, b)) · fraction: the direct series for I_x(a, b). */
function direct(x: number, a: number, b: number): number {
  if (x === 0) return 0;
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b)) / a;
  return front * continuedFraction(x, a, b);
}

function check(x: number, a: number, b: number): void {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incomplete beta: a and b must be positive, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta: x must be in [0, 1], got ${String(x)}`);
}

/** I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b). */
export function betaRegularized(x: number, a: number, b: number): number {
  check(x, a, b);
  if (x === 0) return 0;
  if (x === 1) return 1;
  if (x < (a + 1) / (a + b + 2)) return direct(x, a, b);
  return 1 - direct(1 - x, b, a);
}

/** 1 − I_x(a, b) = P(X > x), without cancellation when I_x(a, b) is near 1. */
export function betaRegularizedComplement(x: number, a: number, b: number): number {
  check(x, a, b);
  if (x === 0) return 1;
  if (x === 1) return 0;
  if (x < (a + 1) / (a + b + 2)) return 1 - direct(x, a, b);
  return direct(1 - x, b, a);
}
