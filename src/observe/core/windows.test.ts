import { describe, expect, it } from 'vitest';
import { binaryResult, detectorResult, judgeError } from '../../judging/judge-library.js';
import { answerScore } from '../../judging/score.js';
import { scoredSample } from './sample.js';
import { CANDIDATE, ROUTE, sample, STABLE, T0, WINDOW_MS, WINDOW_SECONDS } from './test-support/fixtures.js';
import { aggregateWindows, completedWindows, emptyWindow, fillSeries, groupSeries, windowStart } from './windows.js';

describe('scoredSample', () => {
  const base = { at: T0, route: ROUTE, release: STABLE, slice: 'fr' };

  it('takes the quality score and each detector flag', () => {
    const s = scoredSample(
      base,
      answerScore({ ok: true, score: 0.75 }, [
        ['refusal', detectorResult(true, 'hedge')],
        ['dates', detectorResult(false)],
      ]),
    );
    expect(s).toEqual({ ...base, quality: 0.75, judgeError: false, flags: { refusal: true, dates: false } });
  });

  it('records a judge error without a score, a skipped judge as neither, and leaves out failed detectors', () => {
    expect(scoredSample(base, answerScore(judgeError('timeout'), [['dates', judgeError('x')]]))).toMatchObject({
      quality: null,
      judgeError: true,
      flags: {},
    });
    expect(scoredSample(base, answerScore(null))).toMatchObject({ quality: null, judgeError: false });
  });

  it('flags an answer a pass/fail detector (regex, json-schema, contains, exact) failed, as the gate does', () => {
    const s = scoredSample(
      base,
      answerScore(null, [
        ['format', binaryResult(false)],
        ['schema', binaryResult(true)],
      ]),
    );
    expect(s.flags).toEqual({ format: true, schema: false });
  });
});

describe('aggregateWindows', () => {
  it('cuts fixed windows aligned to the epoch', () => {
    expect(windowStart(T0 + 59_999, 60)).toBe(T0);
    expect(windowStart(T0 + 60_000, 60)).toBe(T0 + 60_000);
    expect(windowStart(T0 + 7_500, 5)).toBe(T0 + 5_000);
    const ws = aggregateWindows(
      [sample({ at: T0 + 1 }), sample({ at: T0 + 59_999 }), sample({ at: T0 + 60_000 })],
      WINDOW_SECONDS,
    );
    expect(ws.map((w) => [w.start - T0, w.end - T0, w.samples])).toEqual([
      [0, 60_000, 2],
      [60_000, 120_000, 1],
    ]);
  });

  it('counts scores, judge errors and detector flags per window', () => {
    const [w] = aggregateWindows(
      [
        sample({ quality: 0.9, flags: { refusal: false, dates: true } }),
        sample({ quality: 0.5, flags: { refusal: true, dates: false } }),
        sample({ quality: 0.4, flags: { refusal: true } }),
        sample({ quality: null, judgeError: true, flags: { dates: false } }),
      ],
      WINDOW_SECONDS,
    );
    expect(w).toMatchObject({ samples: 4, n: 3, scores: [0.9, 0.5, 0.4], judgeErrors: 1 });
    expect(w!.meanQuality).toBeCloseTo(0.6, 12);
    expect(w!.detectors).toEqual({ dates: { flagged: 1, checked: 3 }, refusal: { flagged: 2, checked: 3 } });
  });

  it('counts a sample in its slice, each ancestor and the route as a whole', () => {
    const ws = aggregateWindows(
      [
        sample({ slice: 'fr/fr-BE', quality: 0.2 }),
        sample({ slice: 'fr', quality: 0.6 }),
        sample({ slice: '*', quality: 1 }),
      ],
      WINDOW_SECONDS,
    );
    const bySlice = Object.fromEntries(ws.map((w) => [w.slice, w.n]));
    expect(bySlice).toEqual({ '*': 3, fr: 2, 'fr/fr-BE': 1 });
    expect(ws.find((w) => w.slice === 'fr')!.meanQuality).toBeCloseTo(0.4, 12);
  });

  it('keeps routes and releases apart, sorted by route, release, slice, start', () => {
    const ws = aggregateWindows(
      [sample({ route: 'other' }), sample({ release: CANDIDATE }), sample({ at: T0 + WINDOW_MS }), sample()],
      WINDOW_SECONDS,
    );
    expect(ws.map((w) => [w.route, w.release, w.start - T0, w.samples])).toEqual([
      [ROUTE, STABLE, 0, 1],
      [ROUTE, STABLE, WINDOW_MS, 1],
      [ROUTE, CANDIDATE, 0, 1],
      ['other', STABLE, 0, 1],
    ]); // STABLE (sha256:aa…) sorts before CANDIDATE (sha256:bb…)
    expect(groupSeries(ws).size).toBe(3);
  });

  it('rejects inconsistent samples', () => {
    expect(() => aggregateWindows([sample({ quality: 1.2 })], 60)).toThrow(/quality/);
    expect(() => aggregateWindows([sample({ judgeError: true })], 60)).toThrow(/judge error/);
    expect(() => aggregateWindows([sample({ at: Number.NaN })], 60)).toThrow(RangeError);
    expect(() => aggregateWindows([], 0)).toThrow(/window_seconds/);
  });
});

describe('series', () => {
  const key = { route: ROUTE, release: STABLE, slice: '*' };

  it('fills the windows without samples, oldest first', () => {
    const ws = aggregateWindows([sample({ at: T0 + 10 }), sample({ at: T0 + 2 * WINDOW_MS + 10 })], WINDOW_SECONDS);
    const series = fillSeries(ws, key, T0, T0 + 4 * WINDOW_MS, WINDOW_SECONDS);
    expect(series.map((w) => [w.start - T0, w.samples])).toEqual([
      [0, 1],
      [WINDOW_MS, 0],
      [2 * WINDOW_MS, 1],
      [3 * WINDOW_MS, 0],
    ]);
    expect(series[1]).toEqual(emptyWindow(key, T0 + WINDOW_MS, WINDOW_SECONDS));
  });

  it('keeps only windows that have ended', () => {
    const ws = aggregateWindows([sample({ at: T0 }), sample({ at: T0 + WINDOW_MS })], WINDOW_SECONDS);
    expect(completedWindows(ws, T0 + WINDOW_MS).map((w) => w.start)).toEqual([T0]);
    expect(completedWindows(ws, T0 + 2 * WINDOW_MS)).toHaveLength(2);
  });
});
