import { describe, expect, it } from 'vitest';
import { gateSchema } from '../../config/sluice-schema.js';
import { fitCalibration } from '../../judging/calibration.js';
import { mulberry32 } from '../../stats/index.js';
import type { ArmMeasure, ItemMeasure } from './measurement.js';
import { MeasureTable } from './measure-table.js';
import { decideGate, type VerdictInput } from './verdict.js';

/** decideGate over a list of measures, as a run's table holds them. */
const decide = (input: Omit<VerdictInput, 'measures'> & { measures: ItemMeasure[] }) =>
  decideGate({ ...input, measures: MeasureTable.from(input.measures) });

const arm = (score: number | null, extra: Partial<ArmMeasure> = {}): ArmMeasure => ({
  error: null,
  score,
  judgeError: null,
  flags: {},
  latencyMs: 100,
  costUsd: 0.001,
  tokens: 100,
  ...extra,
});

/** n items of a slice whose scores cycle around `mean` (±0.02), paired with a baseline around `base`. */
function items(slice: string, n: number, mean: number, base: number | null = null): ItemMeasure[] {
  return Array.from({ length: n }, (_, i) => ({
    item: { id: `${slice}-${i}`, slice, messages: [], vars: {}, line: i + 1 },
    candidate: arm(mean + ((i % 3) - 1) * 0.02),
    baseline: base === null ? null : arm(base + ((i % 3) - 1) * 0.02),
  }));
}

const gate = (slices: Record<string, { min?: number; max_drop?: number; min_items?: number }>) =>
  gateSchema.parse({ slices: { '*': { min: 0.6, max_drop: 0.05, min_items: 10 }, ...slices } });

const base = { calibration: null, detectors: {}, metadata: {}, partial: null } as const;

describe('the gate verdict', () => {
  it('fails a collapsed subdomain and names it while the average passes', () => {
    const measures = [
      ...['contracts', 'employment', 'tax', 'privacy', 'litigation'].flatMap((s) => items(`legal/${s}`, 20, 0.69)),
      ...items('legal/ip-licensing', 20, 0.41),
    ];
    const r = decide({ ...base, measures, gate: gate({ 'legal/ip-licensing': { min: 0.6 } }) });
    expect(r.aggregate.score!).toBeGreaterThan(0.6);
    expect(r.verdict).toBe('fail');
    const ip = r.slices.find((s) => s.slice === 'legal/ip-licensing')!;
    expect(ip.verdict).toBe('fail');
    expect(ip.reasons[0]).toBe('score 0.41 < min 0.60 (adjusted p < 0.0001)');
    expect(r.slices.filter((s) => s.verdict === 'fail').map((s) => s.slice)).toEqual(['legal/ip-licensing']);
  });

  it('gates a nested regional slice on its own: fr/fr-BE fails its drop while fr passes', () => {
    const measures = [
      ...items('fr/fr-FR', 60, 0.85, 0.78),
      ...items('fr/fr-CH', 20, 0.8, 0.78),
      ...items('fr/fr-BE', 20, 0.7, 0.8),
    ];
    const r = decide({ ...base, measures, gate: gate({}) });
    const bySlice = Object.fromEntries(r.slices.map((s) => [s.slice, s]));
    expect(bySlice['fr']!.verdict).toBe('pass');
    expect(bySlice['fr/fr-BE']!.verdict).toBe('fail');
    expect(bySlice['fr/fr-BE']!.delta).toBeCloseTo(-0.1, 5);
    expect(bySlice['fr/fr-BE']!.reasons[0]).toMatch(/drop 0\.10 from baseline > max_drop 0\.05/);
    expect(bySlice['fr/fr-BE']!.p_holm).not.toBeNull();
  });

  it('sends a slice with too few items, or too many judge errors, to review', () => {
    const few = decide({ ...base, measures: items('med/peds', 4, 0.9), gate: gate({}) });
    expect(few.verdict).toBe('review');
    expect(few.slices[0]!.reasons[0]).toMatch(/4 scored items < min_items 10/);
    const errs = items('med/cardio', 20, 0.9).map((m, i) =>
      i < 5 ? { ...m, candidate: arm(null, { judgeError: 'garbage' }) } : m,
    );
    const r = decide({ ...base, measures: errs, gate: gate({}) });
    expect(r.slices[0]!.judge_errors).toBe(5);
    expect(r.slices[0]!.reasons.join()).toMatch(/judge errors/);
  });

  it('does not trust an uncalibrated judge: review, not pass', () => {
    // Anchors where the judge ranks outputs opposite to the humans.
    const scored = Array.from({ length: 8 }, (_, i) => ({
      slice: 'legal',
      input: 'q',
      output: `o${i}`,
      humanScore: 1 + (i % 5),
      line: i + 1,
      result: { ok: true as const, score: 1 - (i % 5) / 4 },
    }));
    const calibration = fitCalibration(scored);
    const r = decide({ ...base, calibration, measures: items('legal', 20, 0.9), gate: gate({}) });
    expect(r.slices[0]!.calibration!).toBeLessThan(0.5);
    expect(r.slices[0]!.verdict).toBe('review');
    expect(r.verdict).toBe('review');
  });

  it('applies hard gates: error rate, impossible dates, use policy and residency', () => {
    const measures = items('legal', 20, 0.9).map((m, i) => ({
      ...m,
      candidate: i < 2 ? arm(null, { error: 'upstream_status: 500' }) : arm(0.9, { flags: { dates: i === 5 } }),
    }));
    const r = decide({
      ...base,
      measures,
      detectors: { dates: 'date-validity' },
      metadata: { allowed_uses: ['support'], residency: 'us' },
      gate: gateSchema.parse({ required_uses: ['legal'], residency: 'eu' }),
    });
    const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failed).toEqual(['error_rate', 'hallucination_rate', 'allowed_uses', 'residency']);
    expect(r.verdict).toBe('fail');
    expect(r.error_rate).toBe(0.1);
  });

  it('passes a healthy release', () => {
    const r = decide({
      ...base,
      measures: [...items('a', 20, 0.8, 0.79), ...items('b', 20, 0.82, 0.8)],
      gate: gate({}),
    });
    expect(r.verdict).toBe('pass');
  });
});

/** n items of a slice: quality ~ N(q, 0.15) shared by both arms, judge noise N(0, sd) per arm, clipped to [0, 1]. */
function noisy(seed: number, slice: string, n: number, q: number, shift: number, sd = 0.15): ItemMeasure[] {
  const random = mulberry32(seed);
  const z = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  return Array.from({ length: n }, (_, i) => {
    const quality = q + 0.15 * z();
    return {
      item: { id: `${slice}-${i}`, slice, messages: [], vars: {}, line: i + 1 },
      candidate: arm(clip(quality + shift + sd * z())),
      baseline: arm(clip(quality + sd * z())),
    };
  });
}

describe('three outcomes, each with its error rate', () => {
  it('sends a drop whose point estimate is over max_drop but whose interval is wide to review, never to fail', () => {
    // The old rule failed any slice whose estimated drop exceeded max_drop, however few the items.
    let seed = 1;
    let m = noisy(seed, 'a', 12, 0.75, 0);
    while (-(decide({ ...base, measures: m, gate: gate({}) }).slices[0]!.delta ?? 0) <= 0.05)
      m = noisy(++seed, 'a', 12, 0.75, 0);
    const s = decide({ ...base, measures: m, gate: gate({}) }).slices[0]!;
    expect(s.verdict).toBe('review');
    expect(s.outcomes).toEqual({ min: expect.any(String), drop: 'inconclusive' });
    expect(s.reasons.join()).toMatch(
      /cannot rule out a drop over max_drop 0\.05; 12 items can only see drops ≥ 0\.\d\d: add items/,
    );
    expect(s.mdd!).toBeGreaterThan(0.05);
  });

  it('fails a slice proven to have dropped beyond its margin, and passes one proven within it', () => {
    const measures = [...noisy(3, 'drop', 200, 0.75, -0.25), ...noisy(4, 'same', 200, 0.75, 0)];
    const r = decide({ ...base, measures, gate: gate({ drop: { min: 0.3 } }) });
    const [drop, same] = r.slices;
    expect(drop!.verdict).toBe('fail');
    expect(drop!.outcomes!.drop).toBe('fail');
    expect(drop!.reasons[0]).toMatch(/^drop 0\.2\d from baseline > max_drop 0\.05 \(adjusted p/);
    expect(same!.verdict).toBe('pass');
    expect(same!.outcomes).toEqual({ min: 'pass', drop: 'pass' });
    expect(same!.delta_ci![0]).toBeGreaterThan(-0.05);
    expect(r.decision).toEqual({ multiplicity: 'holm', alpha_fail: 0.01, alpha_pass: 0.025, power: 0.8 });
  });

  it('needs more evidence to fail one slice among many under holm or bh than under none', () => {
    // One slice with a modest proven drop beyond the margin, 29 unchanged slices beside it.
    const pick = (seed: number) => noisy(seed, 'x/hit', 60, 0.75, -0.14);
    const others = Array.from({ length: 29 }, (_, k) => k).flatMap((k) =>
      noisy(100 + k, `x/s${String(k).padStart(2, '0')}`, 60, 0.75, 0),
    );
    let seed = 10;
    const raw = (m: ItemMeasure[]) =>
      decide({ ...base, measures: [...m, ...others], gate: gateSchema.parse({ ...gate({}), multiplicity: 'none' }) });
    // A data set whose drop check has a raw p-value between 0.01/61 and 0.01: it fails alone, not after Holm.
    let hit = pick(seed);
    for (;;) {
      const p = raw(hit).slices.find((s) => s.slice === 'x/hit')!.p_fail!;
      if (p < 0.01 && p > 0.0004) break;
      hit = pick(++seed);
    }
    const verdictWith = (multiplicity: 'holm' | 'bh' | 'none') =>
      decide({
        ...base,
        measures: [...hit, ...others],
        gate: gateSchema.parse({ ...gate({}), multiplicity }),
      }).slices.find((s) => s.slice === 'x/hit')!;
    expect(verdictWith('none').verdict).toBe('fail');
    expect(verdictWith('holm').verdict).toBe('review');
    expect(verdictWith('holm').p_holm!).toBeGreaterThan(0.01);
  });

  it('keeps every interval inside the score range', () => {
    const top = items('top', 20, 0.97, 0.98).map((m, i) => ({
      ...m,
      candidate: arm(i % 2 ? 1 : 0.9),
      baseline: arm(i % 2 ? 0.2 : 1),
    }));
    const s = decide({ ...base, measures: top, gate: gate({}) }).slices[0]!;
    expect(s.ci![1]).toBeLessThanOrEqual(1);
    expect(s.delta_ci![0]).toBeGreaterThanOrEqual(-1);
    expect(s.delta_ci![1]).toBeLessThanOrEqual(1);
  });
});

describe('prediction-powered estimates', () => {
  it('reports a PPI++ estimate per slice when some items carry a human score', () => {
    const measures = items('legal', 30, 0.7).map((m, i) =>
      i < 10 ? { ...m, item: { ...m.item, humanScore: 0.6 + (i % 3) * 0.05 } } : m,
    );
    const r = decide({ ...base, measures, gate: gate({}) });
    const ppi = r.slices[0]!.ppi!;
    expect(ppi.n_human).toBe(10);
    expect(ppi.ci[0]).toBeLessThan(ppi.estimate);
    expect(ppi.ci[1]).toBeGreaterThan(ppi.estimate);
    // The judge (≈0.70) over-rates these items against the humans (≈0.65): PPI corrects toward the humans.
    expect(ppi.estimate).toBeLessThan(0.7);
  });
});
