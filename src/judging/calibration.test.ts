import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../kernel/digest.js';
import type { Anchor } from './anchors.js';
import { calibrate, fitCalibration, scoreAnchors, type ScoredAnchor } from './calibration.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';

/** A judge that reads its score from the output: "0.7" → 0.7, "err" → judge error. */
function numberJudge(transform: (x: number) => number = (x) => x): Judge & { maxInFlight: number } {
  let inFlight = 0;
  const j = {
    name: 'n',
    kind: 'test',
    digest: sha256Digest('n'),
    maxInFlight: 0,
    async score(item: JudgeInput): Promise<JudgeResult> {
      inFlight++;
      j.maxInFlight = Math.max(j.maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      if (item.output === 'throw') throw new Error('boom');
      if (item.output === 'err') return { ok: false, code: 'judge_error', message: 'bad reply' };
      return { ok: true, score: transform(Number(item.output)) };
    },
  };
  return j;
}

let line = 0;
const anchor = (slice: string, output: string, humanScore: number): Anchor => ({
  slice,
  input: 'q',
  output,
  humanScore,
  line: ++line,
});

/** Human scores 1–5 and judge outputs that track them with a little noise. */
const agreeing = (slice: string): Anchor[] =>
  [0.1, 0.15, 0.3, 0.45, 0.5, 0.7, 0.8, 0.95].map((s, i) => anchor(slice, String(s), [1, 1, 2, 3, 3, 4, 5, 5][i]!));

const ok = (slice: string, score: number, humanScore: number): ScoredAnchor => ({
  slice,
  humanScore,
  result: { ok: true, score },
});

describe('calibration', () => {
  it('gives a judge that agrees with humans a high ρ with its interval', async () => {
    const c = await calibrate(numberJudge(), agreeing('legal'));
    const s = c.forSlice('legal');
    expect(s.source).toBe('legal');
    expect(s.n).toBe(8);
    expect(s.rho!).toBeGreaterThan(0.9);
    expect(s.ci![0]).toBeLessThan(s.rho!);
    expect(s.ci![1]).toBeGreaterThanOrEqual(s.rho!);
    expect(s.ci![1]).toBeLessThanOrEqual(1);
  });

  it('gives an anti-correlated judge ρ < 0', async () => {
    const s = (
      await calibrate(
        numberJudge((x) => 1 - x),
        agreeing('legal'),
      )
    ).forSlice('legal');
    expect(s.rho!).toBeLessThan(-0.9);
  });

  it('falls back to the nearest ancestor with anchors and says which', async () => {
    const anchors = [...agreeing('fr/fr-FR'), ...agreeing('de')];
    const c = await calibrate(numberJudge(), anchors);
    expect(c.forSlice('fr/fr-FR')).toMatchObject({ source: 'fr/fr-FR', n: 8 });
    expect(c.forSlice('fr/fr-BE')).toMatchObject({ source: 'fr', n: 8 });
    expect(c.forSlice('fr')).toMatchObject({ source: 'fr', n: 8 });
    expect(c.forSlice('it/it-CH')).toMatchObject({ source: '*', n: 16 });
    expect(c.forSlice('*')).toMatchObject({ source: '*', n: 16 });
  });

  it('reports no calibration, and maps by identity, without anchors', async () => {
    const c = await calibrate(numberJudge(), []);
    const s = c.forSlice('fr');
    expect(s).toMatchObject({ source: null, n: 0, rho: null, ci: null, judgeErrors: 0 });
    expect(s.map(0.3)).toBe(0.3);
    expect(c.humanScale).toBeNull();
  });

  it('counts and excludes judge errors, including a judge that throws', async () => {
    const anchors = [...agreeing('legal'), anchor('legal', 'err', 5), anchor('legal', 'throw', 1)];
    const s = (await calibrate(numberJudge(), anchors)).forSlice('legal');
    expect(s).toMatchObject({ n: 8, judgeErrors: 2 });
    expect(s.rho!).toBeGreaterThan(0.9);
  });

  it('reports n and a null ρ under 4 anchors', () => {
    const s = fitCalibration([ok('a', 0.2, 1), ok('a', 0.5, 3), ok('a', 0.9, 5)]).forSlice('a');
    expect(s).toMatchObject({ source: 'a', n: 3, rho: null, ci: null });
  });

  it('reports a null ρ when either side is constant', () => {
    const flatJudge = [1, 2, 3, 4].map((h) => ok('a', 0.5, h));
    expect(fitCalibration(flatJudge).forSlice('a').rho).toBeNull();
  });

  it('fits a monotone isotonic map into [0, 1] on the human scale', () => {
    const scored = [
      ok('a', 0.1, 2),
      ok('a', 0.2, 1),
      ok('a', 0.4, 3),
      ok('a', 0.6, 3),
      ok('a', 0.9, 5),
      ok('a', 0.95, 4),
    ];
    const c = fitCalibration(scored);
    expect(c.humanScale).toEqual([1, 5]);
    const { map } = c.forSlice('a');
    let prev = -Infinity;
    for (let x = 0; x <= 1.0001; x += 0.01) {
      const y = map(x);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(1);
      expect(y).toBeGreaterThanOrEqual(prev);
      prev = y;
    }
    // PAV pools (0.1, 2) and (0.2, 1) into 1.5 → (1.5 − 1)/4; and (0.9, 5), (0.95, 4) into 4.5.
    expect(map(0.1)).toBeCloseTo(0.125);
    expect(map(0.4)).toBeCloseTo(0.5);
    expect(map(1)).toBeCloseTo(0.875);
  });

  it('rescales with a given human scale', () => {
    const { map } = fitCalibration([ok('a', 0.2, 2), ok('a', 0.8, 4)], { humanScale: [0, 10] }).forSlice('a');
    expect(map(0)).toBeCloseTo(0.2);
    expect(map(0.5)).toBeCloseTo(0.3);
    expect(map(1)).toBeCloseTo(0.4);
  });

  it('maps a judge that agrees exactly with the humans to itself on the declared scale', () => {
    // Anchors 0.1 … 0.95 on a 0–1 scale, judge = human: read on the anchors' own min and max
    // (the old default), a true 0.41 became (0.41 − 0.1)/0.85 = 0.365.
    const xs = [0.1, 0.25, 0.41, 0.5, 0.6, 0.72, 0.8, 0.95];
    const scored = xs.map((x) => ok('a', x, x));
    expect(fitCalibration(scored).forSlice('a').map(0.41)).toBeCloseTo(0.3647, 4);
    const declared = fitCalibration(scored, { humanScale: [0, 1] }).forSlice('a');
    for (const x of xs) expect(declared.map(x)).toBeCloseTo(x, 12);
    // The same on a 1–5 rubric: human 1 + 4x for a judge score x.
    const rubric = fitCalibration(
      xs.map((x) => ok('a', x, 1 + 4 * x)),
      { humanScale: [1, 5] },
    ).forSlice('a');
    expect(rubric.map(0.41)).toBeCloseTo(0.41, 12);
  });

  it('needs minAnchors scored anchors before a slice uses its own', () => {
    const scored = [ok('fr/be', 0.1, 1), ...[1, 2, 3, 4, 5].map((h) => ok('fr/fr', h / 5, h))];
    expect(fitCalibration(scored).forSlice('fr/be').source).toBe('fr/be');
    expect(fitCalibration(scored, { minAnchors: 4 }).forSlice('fr/be').source).toBe('fr');
  });

  it('scores at most `concurrency` anchors at once', async () => {
    const judge = numberJudge();
    const anchors = Array.from({ length: 30 }, (_, i) => anchor('a', String(i / 30), i % 5));
    const scored = await scoreAnchors(judge, anchors);
    expect(scored).toHaveLength(30);
    expect(judge.maxInFlight).toBe(8);
    const two = numberJudge();
    await scoreAnchors(two, anchors, { concurrency: 2 });
    expect(two.maxInFlight).toBe(2);
  });
});
