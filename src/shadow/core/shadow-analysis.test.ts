import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../stats/index.js';
import { parsePairwiseReply, type PairSide } from './pairwise-prompt.js';
import {
  analyzeShadow,
  pairJudgement,
  pairOutcome,
  tallyWins,
  type ArmAnswer,
  type PairJudgement,
  type PairStats,
} from './shadow-analysis.js';

const j = (firstOrder: PairSide, secondOrder: PairSide, slice = '*'): PairJudgement => ({
  slice,
  firstOrder,
  secondOrder,
});
const times = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make);

describe('pairOutcome: both orders must agree', () => {
  it.each([
    ['shadow', 'shadow', 'shadow'],
    ['stable', 'stable', 'stable'],
    ['tie', 'tie', 'tie'],
    ['shadow', 'stable', 'tie'],
    ['stable', 'shadow', 'tie'],
    ['shadow', 'tie', 'tie'],
    ['tie', 'stable', 'tie'],
  ] as const)('%s then %s → %s', (a, b, out) => {
    expect(pairOutcome(j(a, b))).toBe(out);
  });

  it('gives a position-biased judge no wins: "always A" ties every pair', () => {
    const alwaysA = parsePairwiseReply('{"winner": "A"}');
    const r = pairJudgement('*', alwaysA, alwaysA);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({ slice: '*', firstOrder: 'stable', secondOrder: 'shadow' });
    const tally = tallyWins(times(50, () => r.value));
    expect(tally).toMatchObject({ n: 50, shadowWins: 0, stableWins: 0, ties: 50, splitVerdicts: 50, winRate: 0.5 });
  });

  it('credits a consistent preference in both orders', () => {
    // Shadow shown second wins (B), shadow shown first wins (A).
    const r = pairJudgement('fr', parsePairwiseReply('{"winner": "B"}'), parsePairwiseReply('{"winner": "A"}'));
    expect(r).toEqual({ ok: true, value: { slice: 'fr', firstOrder: 'shadow', secondOrder: 'shadow' } });
  });

  it('is an error when either order has no usable verdict', () => {
    const bad = parsePairwiseReply('nonsense');
    expect(pairJudgement('*', bad, parsePairwiseReply('{"winner": "A"}'))).toMatchObject({
      ok: false,
      error: { code: 'judge_error', message: expect.stringMatching(/^stable-first order/) },
    });
    expect(pairJudgement('*', parsePairwiseReply('{"winner": "A"}'), bad)).toMatchObject({
      ok: false,
      error: { code: 'judge_error', message: expect.stringMatching(/^shadow-first order/) },
    });
  });
});

describe('tallyWins', () => {
  it('counts ties half in the win rate and takes the Wilson interval', () => {
    const judgements = [
      ...times(30, () => j('shadow', 'shadow')),
      ...times(10, () => j('stable', 'stable')),
      ...times(6, () => j('shadow', 'stable')),
      ...times(4, () => j('tie', 'tie')),
    ];
    const t = tallyWins(judgements);
    expect(t).toMatchObject({ n: 50, shadowWins: 30, stableWins: 10, ties: 10, splitVerdicts: 6 });
    expect(t.winRate).toBeCloseTo(0.7, 12);
    const w = wilsonInterval(35, 50);
    expect(t.ci).toEqual({ lower: w.lower, upper: w.upper });
    expect(t.ci!.lower).toBeLessThan(0.7);
    expect(t.ci!.upper).toBeGreaterThan(0.7);
  });

  it('with an odd number of ties joins the intervals around the half success', () => {
    const t = tallyWins([
      ...times(6, () => j('shadow', 'shadow')),
      ...times(3, () => j('tie', 'tie')),
      j('stable', 'stable'),
    ]);
    expect(t.winRate).toBeCloseTo(0.75, 12);
    expect(t.ci).toEqual({ lower: wilsonInterval(7, 10).lower, upper: wilsonInterval(8, 10).upper });
    expect(t.ci!.lower).toBeLessThan(0.75);
    expect(t.ci!.upper).toBeGreaterThan(0.75);
  });

  it('keeps the bounds inside [0, 1], reaching them at a clean sweep', () => {
    const all = tallyWins(times(20, () => j('shadow', 'shadow')));
    expect(all).toMatchObject({ winRate: 1, ci: { upper: 1 } });
    expect(all.ci!.lower).toBeCloseTo(wilsonInterval(20, 20).lower, 15);
    expect(all.ci!.lower).toBeGreaterThan(0.8);
    const none = tallyWins(times(20, () => j('stable', 'stable')));
    expect(none).toMatchObject({ winRate: 0, ci: { lower: 0 } });
    expect(none.ci!.upper).toBeLessThan(0.2);
  });

  it('narrows as pairs accumulate', () => {
    const small = tallyWins([...times(6, () => j('shadow', 'shadow')), ...times(4, () => j('stable', 'stable'))]);
    const large = tallyWins([...times(600, () => j('shadow', 'shadow')), ...times(400, () => j('stable', 'stable'))]);
    expect(large.ci!.upper - large.ci!.lower).toBeLessThan((small.ci!.upper - small.ci!.lower) / 5);
  });

  it('has no rate without pairs and rejects unknown verdicts', () => {
    expect(tallyWins([])).toEqual({
      n: 0,
      shadowWins: 0,
      stableWins: 0,
      ties: 0,
      splitVerdicts: 0,
      winRate: null,
      ci: null,
    });
    expect(() => tallyWins([{ firstOrder: 'A' as PairSide, secondOrder: 'tie' }])).toThrow(RangeError);
  });
});

describe('analyzeShadow', () => {
  const answer = (over: Partial<ArmAnswer> = {}): ArmAnswer => ({
    text: 'Yes.',
    latencyMs: 100,
    costUsd: 0.001,
    refused: false,
    ...over,
  });
  const pair = (slice: string, stable: Partial<ArmAnswer>, shadow: Partial<ArmAnswer>): PairStats => ({
    slice,
    stable: answer(stable),
    shadow: answer(shadow),
  });

  it('reports per slice (with ancestors) and overall', () => {
    const judgements = [
      j('shadow', 'shadow', 'fr/fr-BE'),
      j('stable', 'stable', 'fr/fr-FR'),
      j('shadow', 'stable', 'de'),
      j('shadow', 'shadow', 'de'),
    ];
    const a = analyzeShadow(judgements, []);
    expect(a.overall.judged).toMatchObject({ n: 4, shadowWins: 2, stableWins: 1, ties: 1 });
    expect(a.slices.map((s) => [s.slice, s.judged.n, s.judged.shadowWins])).toEqual([
      ['de', 2, 1],
      ['fr', 2, 1],
      ['fr/fr-BE', 1, 1],
      ['fr/fr-FR', 1, 0],
    ]);
    expect(a.overall.pairs).toBe(0);
    expect(a.overall.meanLatencyMs).toBeNull();
  });

  it('reports refusal, length, latency and cost as shadow − stable', () => {
    const stats = [
      pair(
        'legal',
        { text: 'abcd', latencyMs: 100, costUsd: 0.002 },
        { text: 'You should consult an attorney.', latencyMs: 100, costUsd: 0.002, refused: true },
      ),
      pair('legal', { text: 'héllo', latencyMs: 200, costUsd: 0.004 }, { text: 'ab', latencyMs: 220, costUsd: 0.001 }),
    ];
    const a = analyzeShadow([], stats);
    const r = a.overall;
    expect(r.pairs).toBe(2);
    expect(r.refusalRate).toEqual({ stable: 0, shadow: 0.5, delta: 0.5 });
    // Characters are code points: 'héllo' is 5.
    expect(r.meanLengthChars).toEqual({ stable: 4.5, shadow: 16.5, delta: 12 });
    expect(r.meanLatencyMs).toEqual({ stable: 150, shadow: 160, delta: 10 });
    expect(r.p95LatencyMs!.stable).toBeCloseTo(195, 9); // type-7: 100 + 0.95 × 100
    expect(r.p95LatencyMs!.delta).toBeCloseTo(214 - 195, 9);
    expect(r.meanCostUsd!.delta).toBeCloseTo(-0.0015, 12);
    expect(a.slices.map((s) => s.slice)).toEqual(['legal']);
    expect(r.judged.winRate).toBeNull();
  });

  it('rejects bad numbers', () => {
    expect(() => analyzeShadow([], [pair('*', { latencyMs: -1 }, {})])).toThrow(/latencyMs/);
    expect(() => analyzeShadow([], [pair('*', {}, { costUsd: Number.NaN })])).toThrow(/costUsd/);
  });
});
