import { describe, expect, it } from 'vitest';
import { hodgesLehmann, mannWhitneyU, quantile } from '../../stats/index.js';
import {
  costMonitor,
  errorRateMonitor,
  evaluateMonitors,
  kayentaScore,
  latencyMonitor,
  qualityMonitor,
  type ArmWindow,
  type MonitorResult,
} from './monitors.js';
import { scores } from './test-support/fixtures.js';

const arm = (over: Partial<ArmWindow> = {}): ArmWindow => ({
  count: 100,
  errors: 0,
  costUsd: 0.1,
  tokens: 50_000,
  quality: [],
  ...over,
});
const range = (n: number, start: number) => Array.from({ length: n }, (_, i) => start + i);

describe('error_rate', () => {
  it('needs ⌈1 / ceiling⌉ requests before judging the rate', () => {
    expect(errorRateMonitor(0.02, arm({ count: 49, errors: 1 })).status).toBe('inconclusive');
    expect(errorRateMonitor(0.02, arm({ count: 0 }))).toMatchObject({ status: 'inconclusive', value: null });
    expect(errorRateMonitor(0.02, arm({ count: 50, errors: 1 }))).toMatchObject({
      status: 'pass',
      value: 0.02,
      facts: { min_count: 50 },
    });
    expect(errorRateMonitor(0.02, arm({ count: 50, errors: 2 }))).toMatchObject({
      status: 'fail',
      value: 0.04,
      threshold: 0.02,
    });
    expect(errorRateMonitor(0.03, arm({ count: 33 })).status).toBe('inconclusive');
    expect(errorRateMonitor(0.03, arm({ count: 34 })).status).toBe('pass');
  });

  it('fails early when the errors already exceed the ceiling over the minimum count', () => {
    const r = errorRateMonitor(0.02, arm({ count: 10, errors: 2 }));
    expect(r.status).toBe('fail');
    expect(r.value).toBe(0.2);
    expect(r.detail).toContain('50-request minimum');
  });

  it('with a zero ceiling any error fails and one clean request passes', () => {
    expect(errorRateMonitor(0, arm({ count: 1 })).status).toBe('pass');
    expect(errorRateMonitor(0, arm({ count: 1, errors: 1 })).status).toBe('fail');
    expect(errorRateMonitor(0, arm({ count: 0 })).status).toBe('inconclusive');
  });

  it('is critical', () => {
    expect(errorRateMonitor(0.02, arm()).critical).toBe(true);
  });
});

describe('latency_p95_ratio', () => {
  it('compares type-7 p95s of the raw latencies', () => {
    const canary = range(40, 150);
    const stable = range(40, 100);
    const r = latencyMonitor(1.2, arm({ latenciesMs: canary }), arm({ latenciesMs: stable }));
    const ratio = quantile(canary, 0.95) / quantile(stable, 0.95);
    expect(r).toMatchObject({ status: 'fail', value: ratio, threshold: 1.2 });
    expect(r.facts).toMatchObject({ canary_n: 40, stable_n: 40 });
    expect(latencyMonitor(1.5, arm({ latenciesMs: canary }), arm({ latenciesMs: stable })).status).toBe('pass');
  });

  it('accepts a p95 the edge computed, over the successful requests', () => {
    const r = latencyMonitor(1.2, arm({ p95Ms: 500, count: 30, errors: 5 }), arm({ p95Ms: 450 }));
    expect(r).toMatchObject({ status: 'pass', value: 500 / 450, facts: { canary_n: 25, stable_n: 100 } });
  });

  it('is inconclusive with fewer than 20 latencies in an arm or a zero stable p95', () => {
    expect(latencyMonitor(1.2, arm({ latenciesMs: range(19, 100) }), arm({ latenciesMs: range(40, 100) })).status).toBe(
      'inconclusive',
    );
    expect(latencyMonitor(1.2, arm({ latenciesMs: range(40, 100) }), arm()).status).toBe('inconclusive');
    expect(
      latencyMonitor(1.2, arm({ latenciesMs: range(40, 100) }), arm({ latenciesMs: Array(40).fill(0) as number[] }))
        .status,
    ).toBe('inconclusive');
  });
});

describe('cost_ratio', () => {
  it('compares cost per request', () => {
    expect(costMonitor(1.5, arm({ count: 50, costUsd: 0.1 }), arm({ count: 100, costUsd: 0.1 }))).toMatchObject({
      status: 'fail',
      value: 2,
    });
    expect(costMonitor(1.5, arm({ count: 100, costUsd: 0.15 }), arm({ count: 100, costUsd: 0.1 })).status).toBe('pass');
    expect(costMonitor(1.5, arm({ count: 100, costUsd: 0.15 }), arm({ count: 100, costUsd: 0.1 })).value).toBeCloseTo(
      1.5,
      12,
    );
  });

  it('passes when both arms are free and fails when only stable is', () => {
    expect(costMonitor(1.5, arm({ costUsd: 0 }), arm({ costUsd: 0 }))).toMatchObject({ status: 'pass', value: 1 });
    expect(costMonitor(1.5, arm({ costUsd: 0.1 }), arm({ costUsd: 0 }))).toMatchObject({ status: 'fail', value: null });
  });

  it('is inconclusive with fewer than 20 requests in an arm', () => {
    expect(costMonitor(1.5, arm({ count: 19 }), arm()).status).toBe('inconclusive');
    expect(costMonitor(1.5, arm(), arm({ count: 0, costUsd: 0 })).status).toBe('inconclusive');
  });
});

describe('quality', () => {
  it('is inconclusive with fewer than 10 scores in an arm', () => {
    const r = qualityMonitor(0.05, arm({ quality: scores(9, 0.7, 1) }), arm({ quality: scores(40, 0.7, 2) }));
    expect(r).toMatchObject({ status: 'inconclusive', value: null, threshold: -0.05 });
  });

  it('fails when the whole 98% Hodges–Lehmann interval is below −quality_drop', () => {
    const c = scores(40, 0.5, 3);
    const s = scores(40, 0.7, 4);
    const r = qualityMonitor(0.05, arm({ quality: c }), arm({ quality: s }));
    const hl = hodgesLehmann(c, s, { alpha: 0.02 });
    expect(hl.upper).toBeLessThan(-0.05);
    expect(r).toMatchObject({ status: 'fail', value: hl.estimate, threshold: -0.05, critical: true });
    expect(r.facts).toMatchObject({
      lower: hl.lower,
      upper: hl.upper,
      p: mannWhitneyU(c, s).p,
      canary_n: 40,
      stable_n: 40,
    });
  });

  it('passes when the interval reaches −quality_drop, even with a real but small drop', () => {
    const c = scores(40, 0.68, 5);
    const s = scores(40, 0.7, 6);
    const r = qualityMonitor(0.05, arm({ quality: c }), arm({ quality: s }));
    expect(hodgesLehmann(c, s, { alpha: 0.02 }).upper).toBeGreaterThanOrEqual(-0.05);
    expect(r.status).toBe('pass');
  });

  it('passes a decisive drop that is smaller than the allowed one', () => {
    const c = Array.from({ length: 30 }, (_, i) => 0.66 + (i % 3) * 0.001);
    const s = Array.from({ length: 30 }, (_, i) => 0.7 + (i % 3) * 0.001);
    const r = qualityMonitor(0.05, arm({ quality: c }), arm({ quality: s }));
    expect(r.facts.upper).toBeLessThan(0); // a sure drop of 0.04 …
    expect(r.status).toBe('pass'); // … within the 0.05 allowed
  });

  it('reads identical scores in both arms as no shift', () => {
    const same = Array(12).fill(0.8) as number[];
    expect(qualityMonitor(0.05, arm({ quality: same }), arm({ quality: same }))).toMatchObject({
      status: 'pass',
      value: 0,
    });
  });

  it('thins large arms to 500 evenly spaced scores', () => {
    const r = qualityMonitor(0.05, arm({ quality: scores(1200, 0.7, 7) }), arm({ quality: scores(300, 0.7, 8) }));
    expect(r.facts).toMatchObject({ canary_n: 1200, canary_used: 500, stable_n: 300, stable_used: 300 });
  });
});

describe('evaluateMonitors', () => {
  const windows = {
    canary: arm({ latenciesMs: range(40, 100), quality: scores(20, 0.7, 9) }),
    stable: arm({ latenciesMs: range(40, 100), quality: scores(20, 0.7, 10) }),
  };

  it('runs every configured monitor, quality only with a judge', () => {
    const thresholds = { errorRate: 0.02, latencyP95Ratio: 1.2, costRatio: 1.5, qualityDrop: 0.05 };
    expect(evaluateMonitors(thresholds, windows).map((r) => [r.name, r.status])).toEqual([
      ['error_rate', 'pass'],
      ['latency_p95_ratio', 'pass'],
      ['cost_ratio', 'pass'],
      ['quality', 'pass'],
    ]);
    expect(evaluateMonitors({ ...thresholds, qualityDrop: null }, windows).map((r) => r.name)).toEqual([
      'error_rate',
      'latency_p95_ratio',
      'cost_ratio',
    ]);
  });

  it('rejects malformed windows, naming the field', () => {
    const t = { errorRate: 0.02, latencyP95Ratio: 1.2, costRatio: 1.5, qualityDrop: 0.05 };
    expect(() => evaluateMonitors(t, { ...windows, canary: arm({ errors: 101 }) })).toThrow(/canary\.errors/);
    expect(() => evaluateMonitors(t, { ...windows, stable: arm({ costUsd: -1 }) })).toThrow(/stable\.costUsd/);
    expect(() => evaluateMonitors(t, { ...windows, canary: arm({ quality: [Number.NaN] }) })).toThrow(
      /canary\.quality/,
    );
    expect(() => evaluateMonitors(t, { ...windows, canary: arm({ count: 1.5 }) })).toThrow(/canary\.count/);
  });
});

describe('kayentaScore', () => {
  const r = (name: MonitorResult['name'], status: MonitorResult['status']): MonitorResult => ({
    name,
    status,
    value: null,
    threshold: 0,
    critical: name === 'error_rate' || name === 'quality',
    detail: '',
    facts: {},
  });

  it('weighs the passing groups against the conclusive ones', () => {
    expect(
      kayentaScore([
        r('error_rate', 'pass'),
        r('quality', 'pass'),
        r('latency_p95_ratio', 'pass'),
        r('cost_ratio', 'pass'),
      ]),
    ).toBe(100);
    expect(
      kayentaScore([
        r('error_rate', 'pass'),
        r('quality', 'pass'),
        r('latency_p95_ratio', 'fail'),
        r('cost_ratio', 'pass'),
      ]),
    ).toBe(80);
    expect(
      kayentaScore([
        r('error_rate', 'pass'),
        r('quality', 'pass'),
        r('latency_p95_ratio', 'fail'),
        r('cost_ratio', 'inconclusive'),
      ]),
    ).toBeCloseTo((100 * 70) / 90, 12);
  });

  it('is 0 when a critical monitor fails and null when nothing is conclusive', () => {
    expect(kayentaScore([r('error_rate', 'pass'), r('quality', 'fail'), r('latency_p95_ratio', 'pass')])).toBe(0);
    expect(kayentaScore([r('error_rate', 'fail')])).toBe(0);
    expect(kayentaScore([r('error_rate', 'inconclusive'), r('quality', 'inconclusive')])).toBeNull();
    expect(
      kayentaScore([r('cost_ratio', 'pass')], { error_rate: 1, quality: 1, latency_p95_ratio: 1, cost_ratio: 5 }),
    ).toBe(100);
  });
});
