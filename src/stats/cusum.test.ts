import { describe, expect, it } from 'vitest';
import { bernoulliLlr, cusumArl, cusumStep, cusumThreshold, llrCusumThreshold, twoSidedCusumArl } from './cusum.js';
import { mulberry32 } from './prng.js';

describe('CUSUM average run length (Siegmund)', () => {
  // Montgomery, Introduction to Statistical Quality Control (6th ed.), §9.1.6, the worked example of
  // Siegmund's approximation for k = 1/2, h = 5: one-sided ARL⁺ 938.2 in control (two-sided 469.1),
  // and ARL⁺ 10.34 at a 1σ shift.
  it("reproduces Montgomery's worked example of Siegmund's approximation", () => {
    expect(cusumArl(0.5, 5, 0)).toBeCloseTo(938.2, 0);
    expect(twoSidedCusumArl(0.5, 5, 0)).toBeCloseTo(469.1, 0);
    expect(cusumArl(0.5, 5, 1)).toBeCloseTo(10.34, 2);
  });

  // Montgomery's Table 9.3: exact ARLs of the two-sided tabular CUSUM with k = 1/2. Siegmund's
  // approximation is within 1% of them for shifts up to 1σ (it is meant for small shifts).
  const shifts = [0, 0.25, 0.5, 0.75, 1];
  const table: Record<number, number[]> = {
    4: [168, 74.2, 26.6, 13.3, 8.38],
    5: [465, 139, 38.0, 17.0, 10.4],
  };

  for (const h of [4, 5]) {
    it(`is within 1% of Montgomery's Table 9.3 for h = ${h}, shifts up to 1σ`, () => {
      shifts.forEach((shift, i) => {
        const published = table[h]![i]!;
        expect(Math.abs(twoSidedCusumArl(0.5, h, shift) - published) / published).toBeLessThan(0.01);
      });
    });
  }

  it('gives b² at Δ = 0 and is continuous there', () => {
    expect(cusumArl(0.5, 4, 0.5)).toBeCloseTo(5.166 ** 2, 12);
    expect(cusumArl(0.5, 4, 0.5 + 1e-7)).toBeCloseTo(5.166 ** 2, 4);
    expect(cusumArl(0.5, 4, 0.5 + 2e-4)).toBeCloseTo(cusumArl(0.5, 4, 0.5 - 2e-4), 1);
  });

  it('inverts the in-control ARL into a threshold', () => {
    for (const [k, arl] of [
      [0.25, 300_000],
      [0.5, 465],
      [0.333, 10_000],
    ] as const) {
      const h = cusumThreshold(k, arl);
      expect(cusumArl(k, h)).toBeCloseTo(arl, 3);
    }
    expect(cusumThreshold(0.5, 938.2)).toBeCloseTo(5, 3);
    expect(() => cusumThreshold(0, 100)).toThrow(/k/);
    expect(() => cusumThreshold(0.5, 1)).toThrow(/arl0/);
  });

  it('agrees with a simulation of the one-sided scheme (k = 0.5, h = 4)', () => {
    const u = mulberry32(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
    let total = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      let s = 0;
      let t = 0;
      do {
        s = cusumStep(s, normal() + 1, 0.5);
        t++;
      } while (s <= 4);
      total += t;
    }
    // One-sided ARL at a 1σ shift: Siegmund 8.34 (the exact Markov-chain value is 8.38).
    expect(total / runs).toBeGreaterThan(7.9);
    expect(total / runs).toBeLessThan(8.9);
  });
});

describe('Bernoulli LLR CUSUM', () => {
  it('has the log-likelihood ratios of p1 against p0', () => {
    const l = bernoulliLlr(0.1, 0.2);
    expect(l.flagged).toBeCloseTo(Math.log(2), 15);
    expect(l.clean).toBeCloseTo(Math.log(0.8 / 0.9), 15);
    expect(() => bernoulliLlr(0.2, 0.1)).toThrow(/p1/);
    expect(() => bernoulliLlr(0, 0.1)).toThrow(/p0/);
  });

  it('keeps its in-control run length above e^h (Lorden’s bound)', () => {
    const h = llrCusumThreshold(200);
    expect(h).toBeCloseTo(Math.log(200), 15);
    const { flagged, clean } = bernoulliLlr(0.1, 0.2);
    const u = mulberry32(5);
    let total = 0;
    const runs = 1000;
    for (let r = 0; r < runs; r++) {
      let s = 0;
      let t = 0;
      do {
        s = Math.max(0, s + (u() < 0.1 ? flagged : clean));
        t++;
      } while (s <= h);
      total += t;
    }
    expect(total / runs).toBeGreaterThan(200);
  });

  it('caps a step', () => {
    expect(cusumStep(9, 5, 1, 10)).toBe(10);
    expect(cusumStep(1, -5, 1)).toBe(0);
  });
});
