import type { GateConfig } from '../../config/sluice-schema.js';
import type { ReleaseManifest } from '../../config/release-schema.js';
import type { Calibration } from '../../judging/calibration.js';
import { adjustP, holm, quantile } from '../../stats/index.js';
import { decisionRule } from './decision-rule.js';
import type { GateCheck, GateResult, SliceResult, Verdict } from './gate-result.js';
import type { ArmColumns, MeasureTable } from './measure-table.js';
import { finishSlice, sliceEvidence } from './slice-stats.js';
import { sliceTree, thresholdFor } from './thresholds.js';

export interface VerdictInput {
  /** The run's measurements in item order (`MeasureTable.from` builds one from a list). */
  readonly measures: MeasureTable;
  readonly gate: GateConfig;
  readonly calibration: Calibration | null;
  /** Detector name → judge kind (which one is the date detector, which one refusals). */
  readonly detectors: Readonly<Record<string, string>>;
  readonly metadata: ReleaseManifest['metadata'];
  readonly partial: GateResult['partial'];
}

export type GateBody = Pick<
  GateResult,
  | 'verdict'
  | 'aggregate'
  | 'slices'
  | 'detectors'
  | 'latency_p95_ms'
  | 'error_rate'
  | 'checks'
  | 'cost_usd'
  | 'tokens'
  | 'baseline_latency_p95_ms'
  | 'baseline_cost_usd'
  | 'decision'
>;

const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

/** One arm's latency, errors, spend and detector rates over the items `has` picks, in item order. */
function armStats(t: MeasureTable, a: ArmColumns, has: (i: number) => boolean) {
  const lat: number[] = [];
  let n = 0;
  let errors = 0;
  let cost = 0;
  let tokens = 0;
  for (let i = 0; i < t.length; i++) {
    if (!has(i)) continue;
    n++;
    if (a.timed[i]) lat.push(a.latencyMs[i]!);
    errors += a.error[i]!;
    cost += a.costUsd[i]!;
    tokens += a.tokens[i]!;
  }
  return {
    n,
    p95: lat.length ? round(quantile(lat, 0.95), 1) : null,
    errorRate: n ? errors / n : 0,
    cost,
    tokens,
    flagRate: (name: string): number | null => {
      const col = a.flags.get(name);
      let seen = 0;
      let flagged = 0;
      for (let i = 0; col && i < t.length; i++) {
        if (!has(i) || col[i]! < 0) continue;
        seen++;
        flagged += col[i]!;
      }
      return seen ? flagged / seen : null;
    },
  };
}

function check(
  kind: 'hard' | 'soft',
  name: string,
  value: number | null,
  limit: number | string,
  ok: boolean,
  message: string,
): GateCheck {
  return { kind, name, value: value === null ? null : round(value), limit, ok, message };
}

/** The gate's decision, a pure function of the measurements and the configuration. */
export function decideGate(input: VerdictInput): GateBody {
  const { measures, gate, calibration } = input;
  const cand = armStats(measures, measures.candidate, () => true);
  const baseArms = armStats(measures, measures.baseline, (i) => measures.hasBaseline[i] === 1);
  const base = baseArms.n ? baseArms : null;
  const ctx = (slice: string) => ({
    slice,
    threshold: thresholdFor(slice, gate.slices),
    calibration: calibration?.forSlice(slice) ?? null,
    itemCalibration: (s: string) => calibration?.forSlice(s) ?? null,
    minCalibration: gate.min_calibration,
    humanScale: calibration?.humanScale ?? null,
  });
  // Every check of every slice judged (and of the aggregate) is one hypothesis of the family whose
  // error rate the multiplicity control holds: a slice fails only on evidence that survives it.
  const evidence = [...sliceTree(measures.slices), '*'].map((s) => sliceEvidence(measures, ctx(s)));
  const ps = evidence.flatMap((e) => e.checks.map((c) => c.p));
  const adjusted = adjustP(ps, gate.multiplicity);
  const holmAdjusted = holm(ps);
  let at = 0;
  const judged = evidence.map((e) => {
    const k = e.checks.length;
    const r = finishSlice(e, adjusted.slice(at, at + k), holmAdjusted.slice(at, at + k));
    at += k;
    return r;
  });
  const aggregate = judged.pop()!;
  const slices: SliceResult[] = judged;

  const detectors: Record<string, number | null> = {};
  for (const name of Object.keys(input.detectors))
    detectors[name] = cand.flagRate(name) === null ? null : round(cand.flagRate(name)!);
  const byKind = (kind: string) => Object.keys(input.detectors).find((n) => input.detectors[n] === kind);

  const checks: GateCheck[] = [];
  checks.push(
    check(
      'hard',
      'error_rate',
      cand.errorRate,
      gate.hard.error_rate,
      cand.errorRate <= gate.hard.error_rate,
      `error rate ${(cand.errorRate * 100).toFixed(1)}% (limit ${gate.hard.error_rate * 100}%)`,
    ),
  );
  if (base?.p95 && cand.p95 !== null) {
    const ratio = cand.p95 / base.p95;
    checks.push(
      check(
        'hard',
        'latency_p95_ratio',
        ratio,
        gate.hard.latency_p95_ratio,
        ratio <= gate.hard.latency_p95_ratio,
        `p95 latency ${cand.p95} ms vs baseline ${base.p95} ms`,
      ),
    );
  }
  const dates = byKind('date-validity');
  if (dates && detectors[dates] !== null) {
    const rate = detectors[dates]!;
    checks.push(
      check(
        'hard',
        'hallucination_rate',
        rate,
        gate.hard.hallucination_rate,
        rate <= gate.hard.hallucination_rate,
        `impossible dates in ${(rate * 100).toFixed(1)}% of answers`,
      ),
    );
  }
  const uses = input.metadata.allowed_uses ?? [];
  const missing = gate.required_uses.filter((u) => !uses.includes(u));
  if (gate.required_uses.length) {
    checks.push(
      check(
        'hard',
        'allowed_uses',
        null,
        gate.required_uses.join(','),
        missing.length === 0,
        missing.length
          ? `the release's license does not allow: ${missing.join(', ')}`
          : 'allowed uses cover the project',
      ),
    );
  }
  if (gate.residency !== undefined) {
    const ok = input.metadata.residency === gate.residency;
    checks.push(
      check(
        'hard',
        'residency',
        null,
        gate.residency,
        ok,
        `residency ${input.metadata.residency ?? '(none)'} ${ok ? '=' : '≠'} ${gate.residency}`,
      ),
    );
  }
  if (base && base.cost > 0) {
    const ratio = cand.cost / base.cost;
    checks.push(
      check(
        'soft',
        'cost_ratio',
        ratio,
        gate.soft.cost_ratio,
        ratio <= gate.soft.cost_ratio,
        `cost ${ratio.toFixed(2)}× the baseline`,
      ),
    );
  }
  const refusals = byKind('refusal');
  const refusalBase = refusals && base ? base.flagRate(refusals) : null;
  if (refusals && detectors[refusals] !== null && refusalBase !== null) {
    const up = detectors[refusals]! - refusalBase;
    checks.push(
      check(
        'soft',
        'refusal_increase',
        up,
        gate.soft.refusal_increase,
        up <= gate.soft.refusal_increase,
        `refusal rate up ${(up * 100).toFixed(1)} points`,
      ),
    );
  }

  let verdict: Verdict = 'pass';
  if (slices.some((s) => s.verdict === 'review') || checks.some((c) => c.kind === 'soft' && !c.ok) || input.partial)
    verdict = 'review';
  if (slices.some((s) => s.verdict === 'fail') || checks.some((c) => c.kind === 'hard' && !c.ok)) verdict = 'fail';
  if (aggregate.verdict === 'fail') verdict = 'fail';

  return {
    verdict,
    aggregate: { n: aggregate.n, score: aggregate.score },
    slices,
    detectors,
    latency_p95_ms: cand.p95,
    error_rate: round(cand.errorRate),
    checks,
    cost_usd: round(cand.cost, 6),
    tokens: cand.tokens,
    baseline_latency_p95_ms: base?.p95 ?? null,
    baseline_cost_usd: base ? round(base.cost, 6) : null,
    decision: decisionRule(gate.multiplicity),
  };
}
