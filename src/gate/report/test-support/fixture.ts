import type { GateCheck, GateResult, SliceResult } from '../../core/gate-result.js';

export const RELEASE_ID = 'sha256:3f9a2c71d0b4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e';
export const BASELINE_ID = 'sha256:8e1d5b0c6a27f3e4d5c6b7a8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c';

/** A slice result with the legal suite's defaults (min 0.65, max_drop 0.05, min_items 10), passing. */
export function sliceFixture(fields: Partial<SliceResult> & Pick<SliceResult, 'slice'>): SliceResult {
  return {
    n: 30,
    score: 0.72,
    ci: [0.66, 0.78],
    min: 0.65,
    baseline_score: 0.7,
    delta: 0.02,
    calibration: 0.81,
    judge_errors: 0,
    verdict: 'pass',
    reasons: [],
    delta_ci: [-0.02, 0.06],
    max_drop: 0.05,
    min_items: 10,
    non_inferior: true,
    p_holm: 0.92,
    calibration_ci: [0.62, 0.91],
    calibration_source: fields.slice,
    item_errors: 0,
    ppi: null,
    ...fields,
  };
}

const SLICES: readonly SliceResult[] = [
  sliceFixture({ slice: 'fr', n: 34, score: 0.69, ci: [0.64, 0.74], baseline_score: 0.64, delta: 0.05, delta_ci: [0.01, 0.09], calibration: 0.77 }),
  sliceFixture({
    slice: 'fr/fr-BE',
    n: 12,
    score: 0.52,
    ci: [0.44, 0.6],
    baseline_score: 0.63,
    delta: -0.11,
    delta_ci: [-0.19, -0.03],
    non_inferior: false,
    p_holm: 0.012,
    calibration: 0.77,
    calibration_source: 'fr',
    calibration_ci: null,
    item_errors: 1,
    verdict: 'fail',
    reasons: ['score 0.52 < min 0.65', 'drop 0.11 > max_drop 0.05'],
  }),
  sliceFixture({ slice: 'fr/fr-FR', n: 22, score: 0.78, ci: [0.72, 0.84], baseline_score: 0.65, delta: 0.13, delta_ci: [0.08, 0.18], calibration: 0.77, calibration_source: 'fr' }),
  sliceFixture({ slice: 'legal', n: 86, score: 0.67, ci: [0.63, 0.71], baseline_score: 0.66, delta: 0.01, delta_ci: [-0.02, 0.04], calibration: 0.83 }),
  sliceFixture({ slice: 'legal/contracts', n: 30, score: 0.78, ci: [0.73, 0.83], baseline_score: 0.7, delta: 0.08, delta_ci: [0.04, 0.12], calibration: 0.86 }),
  sliceFixture({ slice: 'legal/employment', n: 30, score: 0.74, ci: [0.69, 0.79], baseline_score: 0.69, delta: 0.05, delta_ci: [0.01, 0.09], calibration: 0.79 }),
  sliceFixture({
    slice: 'legal/ip-licensing',
    n: 20,
    score: 0.41,
    ci: [0.37, 0.45],
    min: 0.6,
    baseline_score: 0.68,
    delta: -0.27,
    delta_ci: [-0.33, -0.21],
    non_inferior: false,
    p_holm: 0.0004,
    calibration: 0.83,
    calibration_ci: [0.7, 0.92],
    verdict: 'fail',
    reasons: ['score 0.41 < min 0.60', 'drop 0.27 > max_drop 0.05'],
  }),
  sliceFixture({
    slice: 'legal/tax',
    n: 6,
    score: 0.7,
    ci: [0.52, 0.86],
    baseline_score: 0.71,
    delta: -0.01,
    delta_ci: [-0.16, 0.13],
    non_inferior: null,
    p_holm: null,
    calibration: 0.83,
    calibration_source: 'legal',
    calibration_ci: null,
    verdict: 'review',
    reasons: ['6 items < min_items 10'],
  }),
];

const CHECKS: readonly GateCheck[] = [
  { name: 'error_rate', value: 0.0083, limit: 0.01, ok: true, kind: 'hard', message: 'error rate 0.83% ≤ 1%' },
  { name: 'latency_p95_ratio', value: 1.06, limit: 1.2, ok: true, kind: 'hard', message: 'p95 812 ms is 1.06× the baseline 766 ms ≤ 1.2×' },
  { name: 'hallucination_rate', value: 0, limit: 0.005, ok: true, kind: 'hard', message: 'dates detector 0% ≤ 0.5%' },
  { name: 'required_uses', value: null, limit: 'legal', ok: true, kind: 'hard', message: 'allowed_uses includes legal' },
  { name: 'residency', value: null, limit: 'eu', ok: true, kind: 'hard', message: 'residency eu' },
  { name: 'cost_ratio', value: 1.12, limit: 1.5, ok: true, kind: 'soft', message: 'cost $0.4821 is 1.12× the baseline $0.4310 ≤ 1.5×' },
  { name: 'refusal_increase', value: 0.004, limit: 0.02, ok: true, kind: 'soft', message: 'refusals up 0.4 points ≤ 2' },
];

/**
 * A realistic failed gate of a legal and French assistant: legal/ip-licensing
 * collapses to 0.41 under its 0.60 while the aggregate reads 0.64, fr/fr-BE
 * regresses while fr improves, and legal/tax has too few items to judge.
 */
export function gateFixture(fields: Partial<GateResult> = {}): GateResult {
  return {
    release: RELEASE_ID,
    baseline: BASELINE_ID,
    verdict: 'fail',
    aggregate: { n: 120, score: 0.64 },
    slices: SLICES,
    detectors: { refusal: 0.01, dates: 0 },
    latency_p95_ms: 812,
    error_rate: 0.0083,
    override: null,
    receipt: 17,
    preprocessing_digest: 'sha256:c0ffee11d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9',
    judge: 'quality',
    checks: CHECKS,
    cost_usd: 0.4821,
    tokens: 183_402,
    baseline_latency_p95_ms: 766,
    baseline_cost_usd: 0.431,
    partial: null,
    digest: 'sha256:5d41402abc4b2a76b9719d911017c592ae2b1c3d4e5f60718293a4b5c6d7e8f9',
    at: '2025-06-03T14:22:05.123Z',
    ...fields,
  };
}
