import { describe, expect, it } from 'vitest';
import { gateSchema } from '../src/config/sluice-schema.js';
import type { ArmMeasure } from '../src/gate/core/measurement.js';
import { parseDuration } from '../src/kernel/duration.js';
import { summarizeReplay, traceMessages, type TraceMeasure } from '../src/replay/replay.js';
import { erasedContent } from '../src/store/erased-content.js';
import type { TraceRecord } from '../src/store/store.js';

const arm = (score: number | null, over: Partial<ArmMeasure> = {}): ArmMeasure => ({
  error: null,
  score,
  judgeError: score === null ? 'unparseable reply' : null,
  flags: {},
  latencyMs: 100,
  costUsd: 0.001,
  tokens: 10,
  ...over,
});

const measure = (
  n: number,
  slice: string,
  replay: ArmMeasure,
  production: ArmMeasure,
  release = 'sha256:prod',
): TraceMeasure => ({
  traceId: `t${n}`,
  slice,
  productionRelease: release,
  replay,
  production,
});

const gate = gateSchema.parse({ slices: { '*': { min: 0.5, max_drop: 0.1, min_items: 2 } } });

describe('summarizeReplay', () => {
  it('pairs traces per slice and its ancestors, counting judge and serving errors on their side', () => {
    const measures = [
      measure(1, 'fr/fr-BE', arm(0.9), arm(0.6)),
      measure(2, 'fr/fr-BE', arm(0.8), arm(0.5)),
      measure(3, 'fr', arm(0.7), arm(0.7)),
      measure(4, 'fr', arm(null), arm(0.7)), // replay judge error
      measure(5, 'de', arm(0.6), arm(null)), // production judge error
      measure(
        6,
        'de',
        arm(null, { error: 'timeout: upstream', judgeError: null, latencyMs: null }),
        arm(0.9),
        'sha256:other',
      ),
      measure(7, '*', arm(0.5), arm(0.5)),
    ];
    const r = summarizeReplay({ measures, gate, calibration: null, detectors: {}, metadata: {} as never });
    expect(r.slices.map((s) => s.slice)).toEqual(['de', 'fr', 'fr/fr-BE']);
    const fr = r.slices.find((s) => s.slice === 'fr')!;
    expect(fr).toMatchObject({ n: 3, traces: 4, judge_errors: 1, production_judge_errors: 0, item_errors: 0 });
    expect(fr.score).toBeCloseTo(0.8, 4);
    expect(fr.production_score).toBeCloseTo(0.6, 4);
    expect(fr.delta).toBeCloseTo(0.2, 4);
    expect(fr.delta_ci![0]).toBeLessThanOrEqual(fr.delta!);
    expect(fr.delta_ci![1]).toBeGreaterThanOrEqual(fr.delta!);
    const be = r.slices.find((s) => s.slice === 'fr/fr-BE')!;
    expect(be).toMatchObject({ n: 2, traces: 2, delta: 0.3 });
    const de = r.slices.find((s) => s.slice === 'de')!;
    expect(de).toMatchObject({
      n: 0,
      traces: 2,
      score: null,
      delta: null,
      delta_ci: null,
      production_judge_errors: 1,
      item_errors: 1,
    });
    expect(r.aggregate).toMatchObject({
      slice: '*',
      n: 4,
      traces: 7,
      judge_errors: 1,
      production_judge_errors: 1,
      item_errors: 1,
    });
    expect(r.unpaired).toBe(3);
    expect(r.error_rate).toBeCloseTo(1 / 7, 4);
    expect(r.production_releases).toEqual({ 'sha256:prod': 6, 'sha256:other': 1 });
  });

  it('reports detector rates on both sides and judges nothing without traces', () => {
    const flagged = (f: boolean) => arm(0.7, { flags: { refusal: f } });
    const r = summarizeReplay({
      measures: [measure(1, 'a', flagged(false), flagged(true)), measure(2, 'a', flagged(false), flagged(false))],
      gate,
      calibration: null,
      detectors: { refusal: 'refusal' },
      metadata: {} as never,
    });
    expect(r.detectors).toEqual({ refusal: { replay: 0, production: 0.5 } });
    const empty = summarizeReplay({ measures: [], gate, calibration: null, detectors: {}, metadata: {} as never });
    expect(empty.aggregate).toMatchObject({ n: 0, traces: 0, score: null, verdict: 'review' });
    expect(empty.slices).toEqual([]);
  });
});

describe('replay inputs', () => {
  it('parses look-back durations and refuses anything else', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    for (const bad of ['', '1', 'h', '0m', '-1h', '1y', 'an hour']) expect(() => parseDuration(bad)).toThrow(/--since/);
  });

  it('replays only traces whose stored input is a message list', () => {
    const t = (input: string) => ({ input }) as TraceRecord;
    expect(traceMessages(t('[{"role":"user","content":"hi"}]'))).toEqual([{ role: 'user', content: 'hi' }]);
    expect(traceMessages(t(erasedContent('[]')))).toBeUndefined();
    expect(traceMessages(t('[]'))).toBeUndefined();
    expect(traceMessages(t('not json'))).toBeUndefined();
  });
});
