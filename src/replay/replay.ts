import { gateCalibration, gateJudges } from '../gate/gate-judges.js';
import type { ReleaseManifest } from '../config/release-schema.js';
import type { GateConfig, SluiceConfig } from '../config/sluice-schema.js';
import { jsonDigest } from '../core/canonical-json.js';
import { SluiceError } from '../core/errors.js';
import { inSubtree, ROOT_SLICE } from '../core/slice-tree.js';
import type { GateCheck, SliceResult, Verdict } from '../gate/gate-result.js';
import type { ArmMeasure, ItemMeasure } from '../gate/measurement.js';
import { sliceResult } from '../gate/slice-stats.js';
import { thresholdFor } from '../gate/thresholds.js';
import { decideGate } from '../gate/verdict.js';
import type { Calibration } from '../judges/calibration.js';
import type { Judge, JudgeResult } from '../judges/judge.js';
import { mapLimit } from '../judges/map-limit.js';
import { compareReplay, type ReplaySliceComparison, type ScoredTrace } from '../observe/replay-compare.js';
import type { ChatMessage } from '../preprocess/preprocess.js';
import { lastUserText } from '../providers/message-text.js';
import { ProviderError } from '../providers/model-provider.js';
import { prepareMessages } from '../serving/build-messages.js';
import type { ProviderRegistry } from '../serving/provider-registry.js';
import { serve } from '../serving/serve.js';
import type { ServingRelease } from '../serving/serving-release.js';
import type { Store, TraceRecord } from '../store/store.js';

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

export type ReplaySummary = Omit<ReplayResult, 'kind' | 'release' | 'route' | 'baseline' | 'compared_to' | 'window' | 'traces' | 'skipped' | 'judge' | 'at'>;

const round = (v: number | null, d = 4): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);

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
  const gate = decideGate({ measures: items, gate: input.gate, calibration, detectors: input.detectors, metadata: input.metadata, partial: null });
  const calibrated = (slice: string, score: number | null): number | null => {
    if (score === null) return null;
    const cal = calibration?.forSlice(slice);
    return cal ? cal.map(score) : score;
  };
  const side = (pick: (m: TraceMeasure) => ArmMeasure): ScoredTrace[] =>
    measures.map((m) => ({ traceId: m.traceId, slice: m.slice, score: calibrated(m.slice, pick(m).score) }));
  const cmp = compareReplay(side((m) => m.replay), side((m) => m.production));
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
    sliceResult(items, {
      slice: ROOT_SLICE,
      threshold: thresholdFor(ROOT_SLICE, input.gate.slices),
      calibration: calibration?.forSlice(ROOT_SLICE) ?? null,
      itemCalibration: (sl: string) => calibration?.forSlice(sl) ?? null,
      minCalibration: input.gate.min_calibration,
      humanScale: calibration?.humanScale ?? null,
    }),
  );
  const productionReleases: Record<string, number> = {};
  for (const m of measures) productionReleases[m.productionRelease] = (productionReleases[m.productionRelease] ?? 0) + 1;
  const detectors: Record<string, { replay: number | null; production: number | null }> = {};
  for (const name of Object.keys(input.detectors)) {
    detectors[name] = { replay: flagRate(measures.map((m) => m.replay), name), production: flagRate(measures.map((m) => m.production), name) };
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

export interface ReplayInput {
  readonly store: Store;
  readonly config: SluiceConfig;
  readonly projectDir: string;
  readonly providers: ProviderRegistry;
  readonly release: ServingRelease;
  /** The route whose traffic is replayed (the release's name). */
  readonly route: string;
  /** Traces from this time on (inclusive, ISO). */
  readonly since: string;
  /** At most this many traces: the newest. */
  readonly limit: number;
  readonly concurrency: number;
  readonly now: () => Date;
  readonly onTrace?: (done: number, total: number) => void;
}


/** The gate's judge and detectors, as sluice.yaml configures them. */
function judgesFor(input: ReplayInput): { judge: Judge; detectors: Judge[] } {
  const { judge, detectors } = gateJudges(input);
  if (!judge) throw new SluiceError('bad_input', "replay scores with the gate's judge: set gate.judge in sluice.yaml", { location: { file: 'sluice.yaml', key: 'gate.judge' } });
  return { judge, detectors };
}

/** The client's messages as stored, or undefined when they are not a message list (erased, damaged). */
export function traceMessages(t: TraceRecord): ChatMessage[] | undefined {
  try {
    const v = JSON.parse(t.input) as unknown;
    if (Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === 'object' && m !== null && typeof (m as { role?: unknown }).role === 'string')) {
      return v as ChatMessage[];
    }
  } catch {
    // not JSON: not replayable
  }
  return undefined;
}

/** The request's template variables as stored ({} when none or erased). */
export function traceVars(t: TraceRecord): Record<string, unknown> {
  try {
    const v = JSON.parse(t.vars) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !('erased' in v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const failed = (error: string): ArmMeasure => ({ error, score: null, judgeError: null, flags: {}, latencyMs: null, costUsd: 0, tokens: 0 });

/** Replays the route's recent successful traces through the release and scores both sides. */
export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const { store, release } = input;
  const { judge, detectors } = judgesFor(input);
  const until = input.now().toISOString();
  const traces = await store.searchTraces({ route: input.route, status: 200, since: input.since, until, withContent: true, limit: input.limit, newest: true });
  const replayable = traces.map((t) => ({ trace: t, messages: traceMessages(t) })).filter((t): t is { trace: TraceRecord; messages: ChatMessage[] } => t.messages !== undefined);
  const calibration = replayable.length > 0 ? await gateCalibration(input, judge) : null;

  // Scores are cached by judge and content, as the gate caches them: re-running a replay re-judges nothing already judged.
  const judges = [judge, ...detectors];
  const cache = new Map<string, Map<string, string>>();
  for (const j of judges) cache.set(j.digest, await store.judgeScores(j.digest));
  const fresh = new Map<string, { subject: string; result: string }[]>();
  const judgeOne = async (j: Judge, text: { input: string; output: string; slice: string }): Promise<JudgeResult> => {
    const subject = jsonDigest({ input: text.input, output: text.output, reference: null });
    const hit = cache.get(j.digest)!.get(subject);
    if (hit) return JSON.parse(hit) as JudgeResult;
    let r: JudgeResult;
    try {
      r = await j.score(text);
    } catch (e) {
      r = { ok: false, code: 'judge_error', message: e instanceof Error ? e.message : String(e) };
    }
    if (r.ok) {
      const result = JSON.stringify(r);
      cache.get(j.digest)!.set(subject, result);
      fresh.set(j.digest, [...(fresh.get(j.digest) ?? []), { subject, result }]);
    }
    return r;
  };
  const score = async (text: { input: string; output: string; slice: string }, arm: Omit<ArmMeasure, 'score' | 'judgeError' | 'flags'>): Promise<ArmMeasure> => {
    const verdict = await judgeOne(judge, text);
    const flags: Record<string, boolean> = {};
    for (const d of detectors) {
      const r = await judgeOne(d, text);
      if (r.ok) flags[d.name] = r.flagged ?? r.score < 0.5;
    }
    return { ...arm, score: verdict.ok ? verdict.score : null, judgeError: verdict.ok ? null : verdict.message, flags };
  };

  let done = 0;
  const measures = await mapLimit(replayable, Math.max(1, Math.floor(input.concurrency)), async ({ trace, messages }): Promise<TraceMeasure> => {
    const slice = trace.slice ?? ROOT_SLICE;
    // Both answers are judged against the same input: the user's text after this release's preprocessing.
    const vars = traceVars(trace);
    const prepared = prepareMessages(release, { messages, vars });
    const judgeInput = prepared.ok ? prepared.input : lastUserText(messages);
    const production = await score(
      { input: judgeInput, output: trace.output, slice },
      { error: null, latencyMs: trace.latencyMs, costUsd: trace.costUsd, tokens: trace.promptTokens + trace.completionTokens },
    );
    let replayed: ArmMeasure;
    try {
      const s = await serve(release, { messages, vars, ...(trace.slice ? { slice: trace.slice } : {}) }, { providers: input.providers });
      replayed = s.ok
        ? await score({ input: s.input, output: s.text, slice }, { error: null, latencyMs: s.latencyMs, costUsd: s.costUsd, tokens: s.usage.total_tokens })
        : failed(s.code === 'bad_request' ? `${s.message} (a trace keeps the request's messages, not its metadata variables)` : s.message);
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      replayed = failed(`${e.kind}: ${e.message}`);
    }
    input.onTrace?.(++done, replayable.length);
    return { traceId: trace.id, slice, productionRelease: trace.releaseId, replay: replayed, production };
  });
  if (fresh.size > 0) {
    await store.transaction(async (tx) => {
      for (const [digest, rows] of fresh) await tx.putJudgeScores(digest, rows);
    });
  }

  const summary = summarizeReplay({
    measures,
    gate: input.config.gate,
    calibration,
    detectors: Object.fromEntries(detectors.map((d) => [d.name, d.kind])),
    metadata: release.manifest.metadata,
  });
  return {
    kind: 'replay',
    release: release.id,
    route: input.route,
    baseline: null,
    compared_to: 'production',
    ...summary,
    window: { since: input.since, until, limit: input.limit },
    traces: measures.length,
    skipped: traces.length - replayable.length,
    judge: judge.name,
    at: until,
  };
}
