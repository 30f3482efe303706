import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from './mann-whitney.js';
import { expectClose, vectors } from './test-support/vectors.js';

describe('Mann–Whitney U', () => {
  it('matches the published exact case', () => {
    const v = vectors.mann_whitney_exact;
    const r = mannWhitneyU(v.x, v.y);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(v.U);
    expectClose(r.p, v.p);
  });

  it('matches the published asymptotic case', () => {
    const v = vectors.mann_whitney_asymptotic;
    const r = mannWhitneyU(v.x, v.y);
    expect(r.method).toBe('asymptotic');
    expect(r.u).toBe(v.U);
    expectClose(r.p, v.p);
  });

  it("matches R's W and p-value in the Hodges–Lehmann cases, including ties", () => {
    for (const c of vectors.hodges_lehmann_wilcox_R.cases) {
      const r = mannWhitneyU(c.x, c.y);
      expect(r.u).toBe(c.W);
      expectClose(r.p, c.p); // R prints 10 significant digits
    }
  });

  it('gives U₁ + U₂ = n₁n₂ and the same p-value with the samples swapped', () => {
    const v = vectors.mann_whitney_asymptotic;
    for (const method of ['exact', 'asymptotic'] as const) {
      const x = v.x.slice(0, 6);
      const y = v.y.slice(0, 7);
      if (method === 'exact' && new Set([...x, ...y]).size < x.length + y.length) continue;
      const a = mannWhitneyU(x, y, { method });
      const b = mannWhitneyU(y, x, { method });
      expect(a.u + b.u).toBe(x.length * y.length);
      expectClose(a.p, b.p, 1e-15);
    }
  });

  it('gives p = 1 when all observations are tied and refuses exact with ties', () => {
    expect(mannWhitneyU([1, 1], [1, 1, 1]).p).toBe(1);
    expect(() => mannWhitneyU([1, 2], [2, 3], { method: 'exact' })).toThrow(RangeError);
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
  });
});
