import { describe, expect, it } from 'vitest';
import { sluiceConfigSchema } from '../../config/sluice-schema.js';
import { meanInterval, wilsonInterval } from '../../stats/index.js';
import { bandSpecFromConfig, evaluateWindow, type BandSpec } from './band.js';
import { samplesFor, WINDOW_SECONDS, type WindowPlan } from './test-support/fixtures.js';
import { aggregateWindows, emptyWindow, type WindowAggregate } from './windows.js';

const spec: BandSpec = {
  minQuality: 0.6,
  reference: 0.8,
  qualityDrop: 0.05,
  detectorCeilings: { refusal: 0.1, dates: 0.005 },
};

/** The `*` window of one planned window. */
function window(plan: WindowPlan): WindowAggregate {
  const ws = aggregateWindows(samplesFor([plan]), WINDOW_SECONDS).filter((w) => w.slice === (plan.slice ?? '*'));
  return ws[0]!;
}

describe('evaluateWindow', () => {
  it('passes a healthy window', () => {
    const e = evaluateWindow(window({ n: 40, quality: (i) => (i % 2 ? 0.8 : 0.9) }), spec);
    expect(e).toMatchObject({ status: 'ok', reasons: [], n: 40, judgeErrors: 0, judgeErrorShare: 0 });
    expect(e.meanQuality).toBeCloseTo(0.85, 12);
    const mi = meanInterval(Array.from({ length: 40 }, (_, i) => (i % 2 ? 0.8 : 0.9)));
    expect(e.meanCi!.lower).toBeCloseTo(mi.lower, 12);
    expect(e.meanCi!.upper).toBeCloseTo(mi.upper, 12);
    expect(e.detectors['dates']).toMatchObject({ flagged: 0, checked: 40, rate: 0, ceiling: 0.005, breach: false });
  });

  it('breaches under min_quality: the hedging release at 0.3', () => {
    const e = evaluateWindow(window({ n: 30, quality: 0.3 }), spec);
    expect(e.status).toBe('breach');
    expect(e.reasons).toContain('mean quality 0.3 < min_quality 0.6 (n = 30)');
    expect(e.reasons.some((r) => r.includes('reference 0.8'))).toBe(true);
  });

  it('breaches under the release’s own production reference minus quality_drop, above min_quality', () => {
    const e = evaluateWindow(window({ n: 30, quality: 0.7 }), spec);
    expect(e.status).toBe('breach');
    expect(e.reasons).toEqual(['mean quality 0.7 < reference 0.8 − quality_drop 0.05 (n = 30)']);
    expect(evaluateWindow(window({ n: 30, quality: 0.76 }), spec).status).toBe('ok');
    expect(evaluateWindow(window({ n: 30, quality: 0.7 }), { ...spec, reference: null }).status).toBe('ok');
  });

  it('breaches when invented dates exceed their ceiling (gate.hard.hallucination_rate)', () => {
    const e = evaluateWindow(window({ n: 40, quality: 0.85, flagged: { dates: 2 } }), spec);
    expect(e.status).toBe('breach');
    expect(e.reasons).toEqual(['detector dates flagged 5% (2/40) > ceiling 0.5%']);
    const ci = wilsonInterval(2, 40);
    expect(e.detectors['dates']).toMatchObject({
      flagged: 2,
      checked: 40,
      rate: 0.05,
      breach: true,
      ci: { lower: ci.lower, upper: ci.upper },
    });
  });

  it('does not breach at a detector rate equal to its ceiling', () => {
    const e = evaluateWindow(window({ n: 40, quality: 0.85, flagged: { refusal: 4 } }), spec);
    expect(e.detectors['refusal']).toMatchObject({ rate: 0.1, breach: false });
    expect(e.status).toBe('ok');
    expect(evaluateWindow(window({ n: 40, quality: 0.85, flagged: { refusal: 5 } }), spec).status).toBe('breach');
  });

  it('reports a detector without a ceiling but never breaches on it', () => {
    const e = evaluateWindow(window({ n: 30, quality: 0.9, flagged: { refusal: 30 } }), {
      ...spec,
      detectorCeilings: {},
    });
    expect(e.status).toBe('ok');
    expect(e.detectors['refusal']).toMatchObject({ rate: 1, ceiling: null, breach: false });
  });

  it('is insufficient with fewer than min_samples scored answers, however bad they look', () => {
    const e = evaluateWindow(window({ n: 19, quality: 0.1, flagged: { dates: 19 } }), spec);
    expect(e.status).toBe('insufficient');
    expect(e.reasons).toEqual(['insufficient: 19 scored answers < min_samples 20']);
    expect(evaluateWindow(window({ n: 19, quality: 0.1 }), { ...spec, minSamples: 10 }).status).toBe('breach');
  });

  it('calls an empty window insufficient', () => {
    const e = evaluateWindow(
      emptyWindow({ route: 'legal', release: `sha256:${'a'.repeat(64)}`, slice: '*' }, 0, 60),
      spec,
    );
    expect(e).toMatchObject({ status: 'insufficient', n: 0, meanQuality: null, meanCi: null, judgeErrorShare: null });
    expect(e.detectors['dates']).toMatchObject({ checked: 0, rate: null, ci: null });
  });

  it('says the judge is failing when more than half its calls failed, and ignores its scores then', () => {
    const e = evaluateWindow(window({ n: 25, quality: 0.2, judgeErrors: 26 }), spec);
    expect(e.status).toBe('judge_failing');
    expect(e.judgeErrorShare).toBeCloseTo(26 / 51, 12);
    expect(e.reasons[0]).toMatch(/^judge failing: 26 of 51 judge calls failed/);
    // Exactly half is not failing.
    expect(evaluateWindow(window({ n: 25, quality: 0.9, judgeErrors: 25 }), spec).status).toBe('ok');
  });

  it('keeps detector evidence while the judge is failing: detectors do not need the judge', () => {
    const e = evaluateWindow(window({ n: 25, quality: 0.9, judgeErrors: 30, flagged: { dates: 3 } }), spec);
    expect(e.status).toBe('breach');
    expect(e.reasons).toEqual(['detector dates flagged 12% (3/25) > ceiling 0.5%']);
  });

  it('validates the spec', () => {
    const w = window({ n: 20, quality: 0.8 });
    expect(() => evaluateWindow(w, { ...spec, minQuality: 2 })).toThrow(/minQuality/);
    expect(() => evaluateWindow(w, { ...spec, minSamples: 0 })).toThrow(/minSamples/);
    expect(() => evaluateWindow(w, { ...spec, detectorCeilings: { dates: -1 } })).toThrow(/dates/);
  });
});

describe('band from sluice.yaml', () => {
  const config = sluiceConfigSchema.parse({
    project: 'legal-assistant',
    providers: { upstream: { kind: 'sim' } },
    judges: {
      quality: { kind: 'rubric', provider: 'upstream', model: 'judge', rubric: 'judges/quality.md' },
      refusal: { kind: 'refusal' },
      dates: { kind: 'date-validity' },
    },
    gate: { judge: 'quality', detectors: ['refusal', 'dates'], hard: { hallucination_rate: 0.005 } },
    rollout: { monitors: { quality_drop: 0.05 } },
    observe: { sample_rate: 0.05, window_seconds: 60, consecutive: 3, min_quality: 0.6 },
  });

  it('takes min_quality, quality_drop and the detector ceilings by kind', () => {
    expect(bandSpecFromConfig(config, { reference: 0.82 })).toEqual({
      minQuality: 0.6,
      reference: 0.82,
      qualityDrop: 0.05,
      detectorCeilings: { refusal: 0.1, dates: 0.005 },
      minSamples: 20,
      maxJudgeErrorShare: 0.5,
    });
    expect(bandSpecFromConfig(config, { refusalCeiling: 0.2, minSamples: 30 })).toMatchObject({
      reference: null,
      detectorCeilings: { refusal: 0.2 },
      minSamples: 30,
    });
  });
});
