import { describe, expect, it } from 'vitest';
import { gateSchema } from '../../config/sluice-schema.js';
import { fitCalibration } from '../../judging/calibration.js';
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
    expect(ip.reasons[0]).toBe('score 0.41 < min 0.60');
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
