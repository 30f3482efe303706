import { describe, expect, it } from 'vitest';
import {
  differenceLogEvidence,
  differenceSequence,
  mergeMoments,
  mixtureRadius,
  sequenceRadius,
  moments,
  momentsVariance,
  normalMixtureBoundary,
  normalMixtureLogEvidence,
  normalMixtureRho,
  rateLogEvidence,
  rateSequence,
} from './confidence-sequence.js';
import { mulberry32 } from './prng.js';
import { expectClose } from './test-support/vectors.js';

describe('normal mixture (Robbins 1970; Johari et al. 2022)', () => {
  it('is the closed form of ∫ exp(λS − λ²V/2) dN(0, 1/ρ)(λ), checked by quadrature', () => {
    for (const [s, v, rho] of [
      [3, 10, 2],
      [-7.5, 40, 0.5],
      [0.2, 1, 10],
    ] as const) {
      const h = 1e-4;
      let sum = 0;
      for (let l = -20; l <= 20; l += h) {
        sum += Math.exp(l * s - (l * l * v) / 2) * Math.sqrt(rho / (2 * Math.PI)) * Math.exp((-rho * l * l) / 2) * h;
      }
      expectClose(normalMixtureLogEvidence(s, v, rho), Math.log(sum), 1e-8);
    }
  });

  it('reaches exactly 1/α at its boundary', () => {
    const b = normalMixtureBoundary(50, 20, 0.05);
    expectClose(normalMixtureLogEvidence(b, 50, 20), Math.log(20), 1e-12);
  });

  it('as a two-sample difference with equal n and known σ is the mSPRT of Johari et al. (Λ_n, their eq. for normal data)', () => {
    // Λ_n = √(2σ² / (2σ² + nτ²)) · exp(n²τ²(ȳ − x̄)² / (4σ²(2σ² + nτ²)))
    const n = 200;
    const sigma = 0.2;
    const tau = 0.1;
    const a = { n, mean: 0.66, m2: sigma * sigma * (n - 1) };
    const b = { n, mean: 0.7, m2: sigma * sigma * (n - 1) };
    // In samples, the mixing precision 1/τ² is ρ = 2σ²/τ².
    const rho = (2 * sigma * sigma) / (tau * tau);
    const d = differenceSequence(a, b, { alpha: 0.05, rho });
    const diff = 0.66 - 0.7;
    const s2 = sigma * sigma;
    const lambda =
      0.5 * Math.log((2 * s2) / (2 * s2 + n * tau * tau)) +
      (n * n * tau * tau * diff * diff) / (4 * s2 * (2 * s2 + n * tau * tau));
    expectClose(differenceLogEvidence(d, 0, rho), lambda, 1e-12);
    expectClose(d.information, n / (2 * s2), 1e-9);
  });

  it('picks the ρ that makes the boundary tightest at the planned time', () => {
    const v = 300;
    const rho = normalMixtureRho(v, 0.01);
    const at = (r: number) => normalMixtureBoundary(v, r, 0.01);
    expect(at(rho)).toBeLessThan(at(rho * 1.05));
    expect(at(rho)).toBeLessThan(at(rho / 1.05));
  });

  it('in samples is the boundary in information time, and the e-value reaches 1/α exactly at the sequence edge', () => {
    const se = 0.02;
    const n = 400;
    const rho = normalMixtureRho(300, 0.05);
    const info = 1 / (se * se);
    expectClose(sequenceRadius(se, n, rho, 0.05), mixtureRadius(info, rho / (n * se * se), 0.05), 1e-12);
    const a = { n, mean: 0.7, m2: 0.04 * (n - 1) };
    const b = { n: 4 * n, mean: 0.72, m2: 0.04 * (4 * n - 1) };
    const d = differenceSequence(a, b, { alpha: 0.05, rho });
    expectClose(differenceLogEvidence(d, d.upper, rho), Math.log(20), 1e-9);
    expectClose(differenceLogEvidence(d, d.lower, rho), Math.log(20), 1e-9);
  });
});

describe('moments', () => {
  it('pool like the moments of the joined sample', () => {
    const xs = [0.1, 0.5, 0.25, 0.75, 1];
    const ys = [0.3, 0.2, 0.9];
    const m = mergeMoments(moments(xs), moments(ys));
    const all = moments([...xs, ...ys]);
    expectClose(m.mean, all.mean, 1e-15);
    expectClose(momentsVariance(m), momentsVariance(all), 1e-14);
    // var([0.1, 0.5, 0.25, 0.75, 1]) = 0.13325 (n − 1 denominator)
    expectClose(momentsVariance(moments(xs)), 0.13325, 1e-14);
  });
});

describe('beta-binomial mixture for a rate (Robbins 1970)', () => {
  it('is B(a + k, b + n − k) / B(a, b) over the likelihood: 3 of 10 at p0 = ½ under Beta(1, 1) is 1024 / 1320', () => {
    // B(4, 8) = 3! 7! / 11! = 1 / 1320; the likelihood at ½ is 2⁻¹⁰.
    expectClose(rateLogEvidence(3, 10, 0.5), Math.log(1024 / 1320), 1e-12);
  });

  it('with no events has the closed-form upper bound 1 − (α b / (b + n))^(1/n) under Beta(1, b)', () => {
    for (const [n, b, alpha] of [
      [1000, 99, 0.01],
      [50, 1, 0.05],
    ] as const) {
      const cs = rateSequence(0, n, { alpha, a: 1, b });
      expect(cs.lower).toBe(0);
      expectClose(cs.upper, 1 - ((alpha * b) / (b + n)) ** (1 / n), 1e-9);
    }
  });

  it('is an interval around k / n that narrows with n', () => {
    const a = rateSequence(5, 1000, { alpha: 0.01, a: 1, b: 99 });
    const b = rateSequence(10, 2000, { alpha: 0.01, a: 1, b: 99 });
    expect(a.lower).toBeLessThan(0.005);
    expect(a.upper).toBeGreaterThan(0.005);
    expect(b.upper - b.lower).toBeLessThan(a.upper - a.lower);
    expect(rateSequence(0, 0, { alpha: 0.05 })).toEqual({ lower: 0, upper: 1 });
  });

  it('keeps its coverage under a look after every trial (seeded simulation, p = 0.02, a look every 20 of 2,000 trials, 400 runs)', () => {
    const r = mulberry32(7);
    let missed = 0;
    for (let run = 0; run < 400; run++) {
      let k = 0;
      for (let n = 1; n <= 2000; n++) {
        if (r() < 0.02) k++;
        if (n % 20 !== 0) continue;
        const cs = rateSequence(k, n, { alpha: 0.05, a: 1, b: 99 });
        if (cs.lower > 0.02 || cs.upper < 0.02) {
          missed++;
          break;
        }
      }
    }
    expect(missed / 400).toBeLessThanOrEqual(0.05);
  });
});
