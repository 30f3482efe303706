import { describe, expect, it } from 'vitest';
import { moments, rateSequence } from '../../stats/confidence-sequence.js';
import { mulberry32, normalQuantile, quantile, type Random } from '../../stats/index.js';
import {
  costMonitor,
  errorIncreaseMonitor,
  errorRateMonitor,
  evaluateMonitors,
  kayentaScore,
  latencyMonitor,
  qualityMonitor,
  sampleRatioMonitor,
  type ArmWindow,
  type MonitorResult,
} from './monitors.js';
import { defaultQualitySamples } from './quality-samples.js';
import { makeSpec } from './test-support/fixtures.js';

const arm = (over: Partial<ArmWindow> = {}): ArmWindow => ({
  count: 100,
  errors: 0,
  costUsd: 0.1,
  tokens: 50_000,
  quality: [],
  ...over,
});

const gauss = (r: Random): number => {
  let u = r();
  while (u <= 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
};
const lognormal = (r: Random, n: number, medianMs: number, sd: number) =>
  Array.from({ length: n }, () => medianMs * Math.exp(sd * gauss(r)));
/** n scores with the given shares of the rubric points 0, ¼, ½, ¾, 1 (a 1–5 rubric mapped to [0, 1]). */
const rubricScores = (n: number, shares: readonly number[]): number[] =>
  shares.flatMap((s, i) => Array.from({ length: Math.round(s * n) }, () => i / 4));

const ALPHA = 0.05;

describe('error_rate (the absolute ceiling, beta-binomial sequence)', () => {
  it('is inconclusive while the sequence straddles the ceiling, however the point rate looks', () => {
    // 1 error in 50 requests is exactly the ceiling; 2 in 50 (4%) is not proof of more than 2%
    expect(errorRateMonitor(0.02, ALPHA, arm({ count: 50, errors: 1 })).status).toBe('inconclusive');
    expect(errorRateMonitor(0.02, ALPHA, arm({ count: 50, errors: 2 })).status).toBe('inconclusive');
    expect(errorRateMonitor(0.02, ALPHA, arm({ count: 0 }))).toMatchObject({ status: 'inconclusive', value: null });
  });

  it('passes once the whole sequence is under the ceiling and fails once it is above', () => {
    const pass = errorRateMonitor(0.02, ALPHA, arm({ count: 1000, errors: 5 }));
    expect(pass.status).toBe('pass');
    expect(pass.facts.upper).toBeLessThanOrEqual(0.02);
    const fail = errorRateMonitor(0.02, ALPHA, arm({ count: 1000, errors: 50 }));
    expect(fail).toMatchObject({ status: 'fail', value: 0.05, threshold: 0.02, critical: true });
    expect(fail.facts.lower).toBeGreaterThan(0.02);
    // the interval is Robbins' beta-binomial sequence under Beta(1, 2/ceiling − 1)
    expect(fail.facts.lower).toBe(rateSequence(50, 1000, { alpha: ALPHA, a: 1, b: 99 }).lower);
    expect(fail.facts.e_value).toBeGreaterThanOrEqual(1 / ALPHA);
  });

  it('says how many more requests a clean canary needs', () => {
    const r = errorRateMonitor(0.02, ALPHA, arm({ count: 60, errors: 0 }));
    expect(r.status).toBe('inconclusive');
    expect(r.facts.needed).toBeGreaterThan(0);
  });
});

describe('error_rate_increase (canary − stable)', () => {
  it('fails a canary proven worse than stable by more than the margin', () => {
    const r = errorIncreaseMonitor(
      0.01,
      0.02,
      ALPHA,
      arm({ count: 1000, errors: 50 }),
      arm({ count: 19_000, errors: 95 }),
    );
    expect(r.status).toBe('fail');
    expect(r.value).toBeCloseTo(0.045, 12);
    expect(r.facts.lower).toBeGreaterThan(0.01);
  });

  it('passes an equal canary with enough requests, and is inconclusive on too few', () => {
    const equal = (n: number) =>
      errorIncreaseMonitor(
        0.01,
        0.02,
        ALPHA,
        arm({ count: n, errors: n / 200 }),
        arm({ count: 19 * n, errors: (19 * n) / 200 }),
      );
    expect(equal(200).status).toBe('inconclusive');
    expect(equal(4000).status).toBe('pass');
  });
});

describe('latency_p95_ratio (log latencies, with an interval)', () => {
  it('fails a canary proven slower than the ceiling and passes an equal one', () => {
    const r = mulberry32(3);
    const stable = lognormal(r, 2000, 80, 0.4);
    const slow = lognormal(r, 300, 80 * 1.6, 0.4);
    const same = lognormal(r, 300, 80, 0.4);
    const fail = latencyMonitor(1.2, ALPHA, 1000, arm({ latenciesMs: slow }), arm({ latenciesMs: stable }));
    expect(fail.status).toBe('fail');
    expect(fail.facts.lower).toBeGreaterThan(1.2);
    const pass = latencyMonitor(1.2, ALPHA, 1000, arm({ latenciesMs: same }), arm({ latenciesMs: stable }));
    expect(pass.status).toBe('pass');
    expect(pass.facts.upper).toBeLessThanOrEqual(1.2);
  });

  it('never fails on a point ratio of p95s over a couple of dozen requests', () => {
    // a healthy prompt-only candidate: same latency distribution, 24 canary requests whose p95 happens to be high
    const r = mulberry32(11);
    const stable = lognormal(r, 2000, 60, 0.25);
    let canary: number[] = [];
    for (let seed = 0; ; seed++) {
      canary = lognormal(mulberry32(1000 + seed), 24, 60, 0.25);
      if (quantile(canary, 0.95) / quantile(stable, 0.95) > 1.2) break;
    }
    const m = latencyMonitor(1.2, ALPHA, 1000, arm({ latenciesMs: canary }), arm({ latenciesMs: stable }));
    expect(m.status).not.toBe('fail');
  });

  it('accepts the log moments an edge computed, and needs 20 latencies in each arm', () => {
    const r = mulberry32(5);
    const c = lognormal(r, 40, 100, 0.3);
    const s = lognormal(r, 400, 100, 0.3);
    const raw = latencyMonitor(1.2, ALPHA, 1000, arm({ latenciesMs: c }), arm({ latenciesMs: s }));
    const agg = latencyMonitor(
      1.2,
      ALPHA,
      1000,
      arm({ logLatency: moments(c.map(Math.log)) }),
      arm({ logLatency: moments(s.map(Math.log)) }),
    );
    expect(agg.value).toBeCloseTo(raw.value!, 12);
    expect(agg.status).toBe(raw.status);
    expect(latencyMonitor(1.2, ALPHA, 1000, arm({ latenciesMs: c.slice(0, 19) }), arm({ latenciesMs: s })).status).toBe(
      'inconclusive',
    );
    expect(latencyMonitor(1.2, ALPHA, 1000, arm({ p95Ms: 400 }), arm({ p95Ms: 300 })).status).toBe('inconclusive');
  });
});

describe('cost_ratio', () => {
  const costs = (n: number, mean: number, sd: number, seed: number) => {
    const r = mulberry32(seed);
    return moments(Array.from({ length: n }, () => Math.max(0, mean + sd * gauss(r))));
  };

  it('passes an equal cost, fails a doubled one, and needs per-request costs', () => {
    const s = costs(2000, 0.002, 0.0005, 1);
    const same = costMonitor(
      1.5,
      ALPHA,
      1000,
      arm({ count: 300, costs: costs(300, 0.002, 0.0005, 2) }),
      arm({ costs: s }),
    );
    expect(same.status).toBe('pass');
    const double = costMonitor(
      1.5,
      ALPHA,
      1000,
      arm({ count: 300, costs: costs(300, 0.004, 0.001, 3) }),
      arm({ costs: s }),
    );
    expect(double.status).toBe('fail');
    expect(double.facts.lower).toBeGreaterThan(1.5);
    expect(costMonitor(1.5, ALPHA, 1000, arm(), arm()).status).toBe('inconclusive');
  });

  it('passes when both arms are free and fails when only stable is', () => {
    const free = { n: 100, mean: 0, m2: 0 };
    expect(costMonitor(1.5, ALPHA, 1000, arm({ costs: free }), arm({ costs: free }))).toMatchObject({
      status: 'pass',
      value: 1,
    });
    expect(
      costMonitor(1.5, ALPHA, 1000, arm({ costs: { n: 100, mean: 0.001, m2: 0 } }), arm({ costs: free })).status,
    ).toBe('fail');
  });
});

describe('quality (difference of means)', () => {
  it('is inconclusive with fewer than 10 scores in an arm, and counts the judged answers the step still needs', () => {
    const r = qualityMonitor(0.05, ALPHA, 300, arm({ quality: [0.7, 0.8] }), arm({ quality: [0.7, 0.8] }));
    expect(r.status).toBe('inconclusive');
    expect(r.facts.needed).toBe(298);
  });

  it('catches a 10-point drop on 1–5 rubric scores that a Hodges–Lehmann shift reads as 0', () => {
    const stable = rubricScores(1000, [0, 0, 0.3, 0.5, 0.2]); // mean 0.725
    const canary = rubricScores(1000, [0, 0.1, 0.4, 0.4, 0.1]); // mean 0.625
    const r = qualityMonitor(0.05, ALPHA, 300, arm({ quality: canary }), arm({ quality: stable }));
    expect(r.value).toBeCloseTo(-0.1, 12);
    expect(r.status).toBe('fail');
    expect(r.facts.upper).toBeLessThan(-0.05);
  });

  it('passes an equal canary on rubric scores once the interval is inside the allowed drop', () => {
    const stable = rubricScores(1000, [0, 0, 0.3, 0.5, 0.2]);
    const canary = rubricScores(1000, [0, 0, 0.3, 0.5, 0.2]);
    const r = qualityMonitor(0.05, ALPHA, 300, arm({ quality: canary }), arm({ quality: stable }));
    expect(r.status).toBe('pass');
    expect(r.facts.lower).toBeGreaterThanOrEqual(-0.05);
    const few = qualityMonitor(
      0.05,
      ALPHA,
      300,
      arm({ quality: canary.filter((_, i) => i % 50 === 0) }),
      arm({ quality: stable }),
    );
    expect(few.status).toBe('inconclusive');
    expect(few.facts.needed).toBeGreaterThan(0);
  });

  it('sizes quality_samples from quality_drop: a smaller allowed drop needs more judged answers', () => {
    const n = defaultQualitySamples(0.05, 0.05);
    expect(n).toBeGreaterThan(200);
    expect(n).toBeLessThan(1000);
    expect(defaultQualitySamples(0.025, 0.05)).toBeGreaterThan(3 * n);
    expect(makeSpec().monitors.qualitySamples).toBe(n);
  });
});

describe('sample_ratio', () => {
  it('passes a share that fits the weight and fails one proven far from it', () => {
    expect(sampleRatioMonitor(5, ALPHA, arm({ count: 500 }), arm({ count: 9500 })).status).toBe('pass');
    const r = sampleRatioMonitor(5, ALPHA, arm({ count: 2500 }), arm({ count: 7500 }));
    expect(r.status).toBe('fail');
    expect(r.detail).toContain('sample-ratio mismatch');
    expect(sampleRatioMonitor(100, ALPHA, arm({ count: 500 }), arm({ count: 0 })).status).toBe('pass');
  });
});

describe('repeated looks (seeded simulation on null data)', () => {
  /**
   * A canary exactly at the margin, read after every 10 judged answers up to
   * 600 (stable twice as many): any conclusive reading is an error. The
   * sequence keeps the rate of runs with one under alpha; a fixed-n 95% z
   * interval read the same way does not.
   */
  it('keep the quality monitor conclusive on a canary at its margin in at most alpha of runs, a fixed-n interval far more often', () => {
    const runs = 300;
    let sequenceErrors = 0;
    let naiveErrors = 0;
    const z = normalQuantile(1 - ALPHA / 2);
    for (let run = 0; run < runs; run++) {
      const r = mulberry32(9000 + run);
      const canary: number[] = [];
      const stable: number[] = [];
      let seqHit = false;
      let naiveHit = false;
      for (let i = 0; i < 600; i++) {
        const rubric = run % 2 === 1;
        const score = (center: number) => {
          const x = Math.min(1, Math.max(0, center + 0.2 * gauss(r)));
          return rubric ? Math.round(x * 4) / 4 : x;
        };
        canary.push(score(0.65));
        stable.push(score(0.7), score(0.7));
        if ((i + 1) % 10 !== 0 || i < 19) continue;
        const m = qualityMonitor(0.05, ALPHA, 300, arm({ quality: canary }), arm({ quality: stable }));
        if (m.status !== 'inconclusive') seqHit = true;
        const c = moments(canary);
        const s = moments(stable);
        const se = Math.sqrt(c.m2 / (c.n - 1) / c.n + s.m2 / (s.n - 1) / s.n);
        if (Math.abs(c.mean - s.mean + 0.05) > z * se) naiveHit = true;
      }
      if (seqHit) sequenceErrors++;
      if (naiveHit) naiveErrors++;
    }
    // the exact drop is −0.05 before clamping and rounding; clamping moves both means alike
    expect(sequenceErrors / runs).toBeLessThanOrEqual(ALPHA);
    expect(naiveErrors / runs).toBeGreaterThan(2 * ALPHA);
  });

  it('keep the error-rate ceiling conclusive on a canary exactly at it in at most alpha of runs', () => {
    const runs = 300;
    let errors = 0;
    for (let run = 0; run < runs; run++) {
      const r = mulberry32(500 + run);
      let k = 0;
      for (let n = 1; n <= 3000; n++) {
        if (r() < 0.02) k++;
        if (n % 50 !== 0) continue;
        if (errorRateMonitor(0.02, ALPHA, arm({ count: n, errors: k })).status !== 'inconclusive') {
          errors++;
          break;
        }
      }
    }
    expect(errors / runs).toBeLessThanOrEqual(ALPHA);
  });
});

describe('evaluateMonitors', () => {
  it('runs every configured monitor, quality only with a judge and sample_ratio only with a weight', () => {
    const w = { canary: arm(), stable: arm() };
    const names = (rs: MonitorResult[]) => rs.map((r) => r.name);
    expect(names(evaluateMonitors(makeSpec().monitors, w))).toEqual([
      'error_rate',
      'error_rate_increase',
      'latency_p95_ratio',
      'cost_ratio',
      'quality',
    ]);
    expect(names(evaluateMonitors(makeSpec({}, false).monitors, { ...w, weight: 5 }))).toEqual([
      'error_rate',
      'error_rate_increase',
      'latency_p95_ratio',
      'cost_ratio',
      'sample_ratio',
    ]);
  });

  it('rejects malformed windows, naming the field', () => {
    const m = makeSpec().monitors;
    expect(() => evaluateMonitors(m, { canary: arm({ errors: 101 }), stable: arm() })).toThrow(/canary\.errors/);
    expect(() => evaluateMonitors(m, { canary: arm(), stable: arm({ costs: { n: 1, mean: 0, m2: -1 } }) })).toThrow(
      /stable\.costs/,
    );
    expect(() => evaluateMonitors(m, { canary: arm({ quality: [Number.NaN] }), stable: arm() })).toThrow(/quality/);
  });
});

describe('kayentaScore', () => {
  const r = (name: MonitorResult['name'], status: MonitorResult['status'], critical = false): MonitorResult => ({
    name,
    status,
    critical,
    value: null,
    threshold: 0,
    detail: '',
    facts: {},
  });

  it('weighs the passing monitors against the conclusive ones', () => {
    expect(kayentaScore([r('error_rate', 'pass'), r('latency_p95_ratio', 'fail')])).toBe(60);
    expect(kayentaScore([r('error_rate', 'pass'), r('quality', 'inconclusive')])).toBe(100);
  });

  it('is 0 when a critical monitor fails and null when nothing is conclusive', () => {
    expect(kayentaScore([r('error_rate', 'pass'), r('quality', 'fail', true)])).toBe(0);
    expect(kayentaScore([r('quality', 'inconclusive')])).toBeNull();
  });
});
