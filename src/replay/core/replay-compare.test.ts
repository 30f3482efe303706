import { describe, expect, it } from 'vitest';
import { pairedBootstrapMeanDiff } from '../../stats/index.js';
import { compareReplay, type ScoredTrace } from './replay-compare.js';

const t = (traceId: string, slice: string, score: number | null): ScoredTrace => ({ traceId, slice, score });

describe('compareReplay', () => {
  const production = [
    t('t1', 'fr/fr-BE', 0.8),
    t('t2', 'fr/fr-BE', 0.6),
    t('t3', 'fr', 0.9),
    t('t4', 'de', 0.7),
    t('t5', 'de', 0.5),
    t('t6', 'de', null),
    t('t7', 'de', 0.4),
  ];
  // Replay order differs: pairing is by trace id.
  const replay = [
    t('t3', 'fr', 0.7),
    t('t1', 'fr/fr-BE', 0.5),
    t('t2', 'fr/fr-BE', 0.5),
    t('t5', 'de', 0.6),
    t('t4', 'de', 0.8),
    t('t6', 'de', 0.9),
    t('t9', 'de', 0.3),
  ];

  it('pairs by trace id and compares per slice, with ancestors and overall', () => {
    const c = compareReplay(replay, production, { iterations: 2000, seed: 7 });
    expect(c.unmatched).toEqual({ replayOnly: 1, productionOnly: 1 });
    expect(c.unscored).toBe(1);
    expect(c.overall.n).toBe(5);
    expect(c.slices.map((s) => [s.slice, s.n])).toEqual([
      ['de', 2],
      ['fr', 3],
      ['fr/fr-BE', 2],
    ]);
    const fr = c.slices.find((s) => s.slice === 'fr')!;
    expect(fr.replayMean).toBeCloseTo((0.5 + 0.5 + 0.7) / 3, 12);
    expect(fr.productionMean).toBeCloseTo((0.8 + 0.6 + 0.9) / 3, 12);
    expect(fr.delta).toBeCloseTo(-0.2, 12);
  });

  it('gives the delta the stats library’s paired-bootstrap interval', () => {
    const c = compareReplay(replay, production, { iterations: 2000, seed: 7, alpha: 0.1 });
    const b = pairedBootstrapMeanDiff([0.5, 0.5, 0.7, 0.8, 0.6], [0.8, 0.6, 0.9, 0.7, 0.5], {
      iterations: 2000,
      seed: 7,
      alpha: 0.1,
    });
    expect(c.overall.delta).toBe(b.estimate);
    expect(c.overall.ci).toEqual({ lower: b.lower, upper: b.upper });
    expect(c.overall.ci!.lower).toBeLessThanOrEqual(c.overall.delta!);
    expect(c.overall.ci!.upper).toBeGreaterThanOrEqual(c.overall.delta!);
  });

  it('is reproducible: the default seed gives the same interval every time', () => {
    expect(compareReplay(replay, production)).toEqual(compareReplay(replay, production));
  });

  it('takes the slice production recorded', () => {
    const c = compareReplay([t('x', 'other', 0.2)], [t('x', 'fr', 0.4)]);
    expect(c.slices.map((s) => s.slice)).toEqual(['fr']);
  });

  it('has no interval below two pairs, and nothing at all without pairs', () => {
    const one = compareReplay([t('x', '*', 0.2)], [t('x', '*', 0.4)]);
    expect(one.overall).toMatchObject({ n: 1, ci: null });
    expect(one.overall.delta).toBeCloseTo(-0.2, 12);
    expect(compareReplay([], []).overall).toEqual({
      slice: '*',
      n: 0,
      replayMean: null,
      productionMean: null,
      delta: null,
      ci: null,
    });
  });

  it('rejects a trace id given twice on one side, and scores off [0, 1]', () => {
    expect(() => compareReplay([t('x', '*', 0.2), t('x', '*', 0.3)], [])).toThrow(/appears twice/);
    expect(() => compareReplay([], [t('x', '*', 3)])).toThrow(/score/);
  });
});
