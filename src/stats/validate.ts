/**
 * Argument checks shared by the statistics functions. Every check throws a
 * RangeError whose message names the argument, so a caller bug surfaces at
 * the call instead of as a NaN further on.
 */

export function assertFiniteArray(name: string, xs: readonly number[], minLength = 0): void {
  if (!Array.isArray(xs)) throw new RangeError(`${name} must be an array of numbers`);
  if (xs.length < minLength) {
    throw new RangeError(`${name} needs at least ${minLength} value${minLength === 1 ? '' : 's'}, got ${xs.length}`);
  }
  for (let i = 0; i < xs.length; i++) {
    const v = xs[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${name}[${i}] must be a finite number, got ${String(v)}`);
    }
  }
}

export function assertSameLength(nameA: string, a: readonly number[], nameB: string, b: readonly number[]): void {
  if (a.length !== b.length) {
    throw new RangeError(`${nameA} and ${nameB} must have the same length, got ${a.length} and ${b.length}`);
  }
}

/** Paired samples: x and y finite, of one length, at least `minPairs` pairs. */
export function assertPairs(x: readonly number[], y: readonly number[], minPairs: number): void {
  assertFiniteArray('x', x, minPairs);
  assertFiniteArray('y', y, minPairs);
  assertSameLength('x', x, 'y', y);
}

/** Two independent samples x and y, finite, each with at least one value. */
export function assertTwoSamples(x: readonly number[], y: readonly number[]): void {
  assertFiniteArray('x', x, 1);
  assertFiniteArray('y', y, 1);
}

/** A two-sided miscoverage level: the interval has coverage 1 − alpha. */
export function assertAlpha(alpha: number, name = 'alpha'): void {
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) {
    throw new RangeError(`${name} must be strictly between 0 and 1, got ${String(alpha)}`);
  }
}

export function assertNonNegativeInteger(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(v)}`);
  }
}

export function assertPositiveInteger(name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  }
}
