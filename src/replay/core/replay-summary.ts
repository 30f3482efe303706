import type { ReleaseManifest } from '../../config/release-schema.js';
import type { GateConfig } from '../../config/sluice-schema.js';
import { inSubtree, ROOT_SLICE } from '../../kernel/slice-tree.js';
import type { GateCheck, SliceResult, Verdict } from '../../gate/core/gate-result.js';
import type { ArmMeasure, ItemMeasure } from '../../gate/core/measurement.js';
import { MeasureTable } from '../../gate/core/measure-table.js';
import { sliceResult } from '../../gate/core/slice-stats.js';
import { thresholdFor } from '../../gate/core/thresholds.js';
import { decideGate } from '../../gate/core/verdict.js';
import type { Calibration } from '../../judging/calibration.js';
import { compareReplay, type ReplaySliceComparison, type ScoredTrace } from './replay-compare.js';

/**
 * Replay: recorded production inputs (redacted as stored) re-run through a
 * release on the serving path, scored by the gate's judge next to what
 * production served on the same inputs, per slice. Production is the
 * baseline: delta = replay − production over the traces scored on both sides,
 * with a paired-bootstrap interval (compareReplay). The verdict applies the
 * gate's thresholds to the replay and is advisory: replay decides nothing.
 */

/** One slice of a replay (the gate result's slice fields; production in place of the baseline). */
export interface ReplaySliceResult {
  readonly slice: string;
  /** Traces scored on both sides (the pairs). */
  readonly n: number;
  /** Mean replay score over the pairs (calibrated like the gate's). */
  readonly score: number | null;
  /** Mean score of what production served, over the same pairs. */
  readonly production_score: number | null;
  /** score − production_score. */
  readonly delta: number | null;
  /** Paired-bootstrap 95% interval of the delta; null under 2 pairs. */
  readonly delta_ci: readonly [number, number] | null;
  /** Interval of the replay score (every replayed answer scored), as the gate reports it. */
  readonly ci: readonly [number, number] | null;
  readonly min: number | null;
  readonly max_drop: number | null;
  readonly calibration: number | null;
  /** Replayed answers the judge could not score. */
  readonly judge_errors: number;
  /** Production answers the judge could not score. */
  readonly production_judge_errors: number;
  /** Traces whose replay failed on the serving path. */
  readonly item_errors: number;
  /** Traces replayed in this slice (and its descendants). */
  readonly traces: number;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
}

/** `sluice replay --json`: shaped like a gate result, production standing in for the baseline. */
export interface ReplayResult {
  readonly kind: 'replay';
  readonly release: string;
  readonly route: string;
  readonly baseline: null;
  readonly compared_to: 'production';
  /** The gate's thresholds applied to the replay; advisory. */
  readonly verdict: Verdict;
  readonly aggregate: ReplaySliceResult;
  readonly slices: readonly ReplaySliceResult[];
  /** Detector flag rates on both sides. */
  readonly detectors: Readonly<Record<string, { readonly replay: number | null; readonly production: number | null }>>;
  readonly latency_p95_ms: number | null;
  readonly production_latency_p95_ms: number | null;
  /** Share of traces whose replay failed. */
  readonly error_rate: number;
  readonly cost_usd: number;
  readonly production_cost_usd: number;
  readonly checks: readonly GateCheck[];
  readonly window: { readonly since: string; readonly until: string; readonly limit: number };
  /** Traces replayed. */
  readonly traces: number;
  /** Traces left out: their stored input is not a message list. */
  readonly skipped: number;
  /** Traces replayed but scored on one side only (a judge or serving error). */
  readonly unpaired: number;
  /** Which releases production served the replayed traces with, and how often. */
  readonly production_releases: Readonly<Record<string, number>>;
  readonly judge: string;
  readonly at: string;
}

/** One trace, measured twice. */
export interface TraceMeasure {
  readonly traceId: string;
  /** The slice production recorded; the root when it had none. */
  readonly slice: string;
  readonly productionRelease: string;
  readonly replay: ArmMeasure;
  readonly production: ArmMeasure;
}

export interface SummaryInput {
  readonly measures: readonly TraceMeasure[];
  readonly gate: GateConfig;
  readonly calibration: Calibration | null;
  /** Detector name → judge kind. */
  readonly detectors: Readonly<Record<string, string>>;
  readonly metadata: ReleaseManifest['metadata'];
}

export type ReplaySummary = Omit<
  ReplayResult,
  'kind' | 'release' | 'route' | 'baseline' | 'compared_to' | 'window' | 'traces' | 'skipped' | 'judge' | 'at'
>;

const round = (v: number | null, d = 4): number | null =>
  v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d;

function flagRate(arms: readonly ArmMeasure[], name: string): number | null {
  const seen = arms.filter((a) => name in a.flags);
  return seen.length ? round(seen.filter((a) => a.flags[name]).length / seen.length) : null;
}

/** The replay's result from its measurements: pure. */
export function summarizeReplay(input: SummaryInput): ReplaySummary {
  const { measures, calibration } = input;
  const items: ItemMeasure[] = measures.map((m) => ({
    item: { id: m.traceId, slice: m.slice, messages: [], vars: {}, line: 0 },
    candidate: m.replay,
    baseline: m.production,
  }));
  const table = MeasureTable.from(items);
  const gate = decideGate({
    measures: table,
    gate: input.gate,
    calibration,
    detectors: input.detectors,
    metadata: input.metadata,
    partial: null,
  });
  const calibrated = (slice: string, score: number | null): number | null => {
    if (score === null) return null;
    const cal = calibration?.forSlice(slice);
    return cal ? cal.map(score) : score;
  };
  const side = (pick: (m: TraceMeasure) => ArmMeasure): ScoredTrace[] =>
    measures.map((m) => ({ traceId: m.traceId, slice: m.slice, score: calibrated(m.slice, pick(m).score) }));
  const cmp = compareReplay(
    side((m) => m.replay),
    side((m) => m.production),
  );
  const bySlice = new Map<string, ReplaySliceComparison>([...cmp.slices, cmp.overall].map((c) => [c.slice, c]));

  const sliceOf = (s: SliceResult): ReplaySliceResult => {
    const c = bySlice.get(s.slice);
    const within = measures.filter((m) => inSubtree(m.slice, s.slice));
    return {
      slice: s.slice,
      n: c?.n ?? 0,
      score: round(c?.replayMean ?? null),
      production_score: round(c?.productionMean ?? null),
      delta: round(c?.delta ?? null),
      delta_ci: c?.ci ? [round(c.ci.lower)!, round(c.ci.upper)!] : null,
      ci: s.ci,
      min: s.min,
      max_drop: s.max_drop,
      calibration: s.calibration,
      judge_errors: s.judge_errors,
      production_judge_errors: within.filter((m) => m.production.judgeError !== null).length,
      item_errors: s.item_errors,
      traces: within.length,
      verdict: s.verdict,
      reasons: s.reasons,
    };
  };
  // The root, judged as decideGate judges its aggregate (it returns only n and score of it).
  const aggregate = sliceOf(
    sliceResult(table, {
      slice: ROOT_SLICE,
      threshold: thresholdFor(ROOT_SLICE, input.gate.slices),
      calibration: calibration?.forSlice(ROOT_SLICE) ?? null,
      itemCalibration: (sl: string) => calibration?.forSlice(sl) ?? null,
      minCalibration: input.gate.min_calibration,
      humanScale: calibration?.humanScale ?? null,
    }),
  );
  const productionReleases: Record<string, number> = {};
  for (const m of measures)
    productionReleases[m.productionRelease] = (productionReleases[m.productionRelease] ?? 0) + 1;
  const detectors: Record<string, { replay: number | null; production: number | null }> = {};
  for (const name of Object.keys(input.detectors)) {
    detectors[name] = {
      replay: flagRate(
        measures.map((m) => m.replay),
        name,
      ),
      production: flagRate(
        measures.map((m) => m.production),
        name,
      ),
    };
  }
  return {
    verdict: gate.verdict,
    aggregate,
    slices: gate.slices.map(sliceOf),
    detectors,
    latency_p95_ms: gate.latency_p95_ms,
    production_latency_p95_ms: gate.baseline_latency_p95_ms,
    error_rate: gate.error_rate,
    cost_usd: gate.cost_usd,
    production_cost_usd: gate.baseline_cost_usd ?? 0,
    checks: gate.checks,
    unpaired: measures.length - cmp.overall.n,
    production_releases: productionReleases,
  };
}
