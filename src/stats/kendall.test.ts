import { describe, expect, it } from 'vitest';
import { kendallTauB } from './kendall.js';
import { expectClose, vectors } from './test-support/vectors.js';

describe('kendall tau-b', () => {
  it('matches the published case without ties, with the exact p-value', () => {
    const v = vectors.kendall_tau_b;
    const r = kendallTauB(v.x, v.y);
    expectClose(r.tau, v.tau);
    expect(r.method).toBe('exact');
    expectClose(r.p, v.p);
  });

  it('matches the published tau-b with ties', () => {
    const v = vectors.kendall_tau_b_ties;
    const r = kendallTauB(v.x, v.y);
    expectClose(r.tau, v.tau);
    expect(r.method).toBe('asymptotic');
    expect(r.tiesX).toBe(2);
    expect(r.tiesY).toBe(2);
  });

  it('is ±1 for monotone relations and antisymmetric under reversing one sample', () => {
    const x = [3, 1, 4, 1.5, 9, 2.6];
    expect(kendallTauB(x, x).tau).toBe(1);
    expect(
      kendallTauB(
        x,
        x.map((v) => -v),
      ).tau,
    ).toBe(-1);
    const y = [2, 7, 1, 8, 2.8, 1.8];
    const a = kendallTauB(x, y);
    const b = kendallTauB(
      x,
      y.map((v) => -v),
    );
    expectClose(a.tau, -b.tau, 1e-15);
    expectClose(a.p, b.p, 1e-15);
  });

  it('uses the normal approximation without ties above n = 33', () => {
    const x = Array.from({ length: 40 }, (_, i) => i);
    const y = x.map((v) => (v * 17) % 40);
    expect(kendallTauB(x, y).method).toBe('asymptotic');
  });

  it('rejects mismatched lengths and constant samples', () => {
    expect(() => kendallTauB([1, 2, 3], [1, 2])).toThrow(RangeError);
    expect(() => kendallTauB([1, 1, 1], [1, 2, 3])).toThrow(RangeError);
  });
});
