import { describe, expect, it } from 'vitest';
import { compact, fixed, interval, percent, signed, usd } from './format.js';
import { releaseLine, runFacts } from './gate-facts.js';
import { worstFirst } from './slice-figures.js';
import { gateFixture, sliceFixture } from './test-support/fixture.js';

describe('report formatting', () => {
  it('orders slices failures, reviews, passes, each by score, unscored first', () => {
    const slices = [
      sliceFixture({ slice: 'p2', score: 0.9 }),
      sliceFixture({ slice: 'r1', score: 0.8, verdict: 'review' }),
      sliceFixture({ slice: 'f2', score: 0.5, verdict: 'fail' }),
      sliceFixture({ slice: 'p1', score: 0.7 }),
      sliceFixture({ slice: 'r0', score: null, verdict: 'review' }),
      sliceFixture({ slice: 'f1', score: 0.5, verdict: 'fail' }),
      sliceFixture({ slice: 'f0', score: 0.2, verdict: 'fail' }),
    ];
    expect(worstFirst(slices).map((s) => s.slice)).toEqual(['f0', 'f1', 'f2', 'r0', 'r1', 'p1', 'p2']);
    expect(slices[0]!.slice).toBe('p2');
  });

  it('formats numbers, missing values as a dash', () => {
    expect([fixed(0.6), fixed(null), fixed(Number.NaN)]).toEqual(['0.60', '—', '—']);
    expect([signed(0.034), signed(-0.27), signed(-0.001), signed(0), signed(null)]).toEqual([
      '+0.03',
      '-0.27',
      '0.00',
      '0.00',
      '—',
    ]);
    expect([interval([0.37, 0.451]), interval(null)]).toEqual(['[0.37, 0.45]', '']);
    expect([percent(0.0083), percent(null)]).toEqual(['0.8%', '—']);
    expect([compact(0.0083), compact(1.0634), compact(812), compact(null)]).toEqual(['0.0083', '1.063', '812', '—']);
    expect([usd(0.4821), usd(0), usd(12.5)]).toEqual(['$0.4821', '$0.00', '$12.50']);
  });

  it('names releases by their first 12 hex digits', () => {
    expect(releaseLine(gateFixture())).toBe('release 3f9a2c71d0b4 vs baseline 8e1d5b0c6a27');
    expect(releaseLine(gateFixture({ baseline: null }), (id) => `<${id}>`)).toBe(
      'release <3f9a2c71d0b4> vs no baseline',
    );
  });

  it('lists the run facts, with ratios to the baseline when there is one', () => {
    expect(Object.fromEntries(runFacts(gateFixture()))).toEqual({
      'latency p95': '812 ms (baseline 766 ms, ×1.06)',
      'error rate': '0.8%',
      cost: '$0.4821 (baseline $0.4310, ×1.12)',
      tokens: '183,402',
      judge: 'quality',
      preprocessing: 'c0ffee11d2e3',
      receipt: '#17',
      'measured at': '2025-06-03T14:22:05.123Z',
    });
    const bare = Object.fromEntries(
      runFacts(
        gateFixture({ latency_p95_ms: null, baseline_latency_p95_ms: null, baseline_cost_usd: null, receipt: null }),
      ),
    );
    expect(bare['latency p95']).toBe('—');
    expect(bare.cost).toBe('$0.4821');
    expect('receipt' in bare).toBe(false);
  });
});
