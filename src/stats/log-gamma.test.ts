import { describe, expect, it } from 'vitest';
import { logBeta, logGamma } from './log-gamma.js';
import { expectClose } from './test-support/vectors.js';

describe('logGamma', () => {
  it('gives ln((n − 1)!) at the integers', () => {
    let factorial = 1;
    for (let n = 1; n <= 30; n++) {
      expect(Math.abs(logGamma(n) - Math.log(factorial))).toBeLessThan(1e-13 * Math.max(1, Math.log(factorial)));
      factorial *= n;
    }
  });

  it('gives Γ(½) = √π and uses the reflection below ½', () => {
    expectClose(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    // Γ(¼)Γ(¾) = π√2
    expectClose(logGamma(0.25) + logGamma(0.75), Math.log(Math.PI * Math.SQRT2), 1e-14);
  });

  it('gives B(1, b) = 1/b', () => {
    for (const b of [0.5, 1, 3, 17.5]) expectClose(logBeta(1, b), -Math.log(b), 1e-13);
  });

  it('rejects non-positive arguments', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => logGamma(-1)).toThrow(RangeError);
  });
});
