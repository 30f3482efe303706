import { gateCalibration, gateJudges } from '../gate/gate-judges.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { jsonDigest } from '../kernel/canonical-json.js';
import { SluiceError } from '../kernel/errors.js';
import { ROOT_SLICE } from '../kernel/slice-tree.js';
import type { ArmMeasure } from '../gate/core/measurement.js';
import type { Judge, JudgeResult } from '../judging/judge.js';
import { mapLimit } from '../kernel/map-limit.js';
import type { ChatMessage } from '../release/preprocess.js';
import { lastUserText } from '../kernel/chat.js';
import { ProviderError } from '../providers/model-provider.js';
import { prepareMessages } from '../serving/build-messages.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
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
import { summarizeReplay, type ReplayResult, type TraceMeasure } from './core/replay-summary.js';

export * from './core/replay-summary.js';

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
  if (!judge)
    throw new SluiceError('bad_input', "replay scores with the gate's judge: set gate.judge in sluice.yaml", {
      location: { file: 'sluice.yaml', key: 'gate.judge' },
    });
  return { judge, detectors };
}

/** The client's messages as stored, or undefined when they are not a message list (erased, damaged). */
export function traceMessages(t: TraceRecord): ChatMessage[] | undefined {
  try {
    const v = JSON.parse(t.input) as unknown;
    if (
      Array.isArray(v) &&
      v.length > 0 &&
      v.every((m) => typeof m === 'object' && m !== null && typeof (m as { role?: unknown }).role === 'string')
    ) {
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
    return typeof v === 'object' && v !== null && !Array.isArray(v) && !('erased' in v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const failed = (error: string): ArmMeasure => ({
  error,
  score: null,
  judgeError: null,
  flags: {},
  latencyMs: null,
  costUsd: 0,
  tokens: 0,
});

/** Replays the route's recent successful traces through the release and scores both sides. */
export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const { store, release } = input;
  const { judge, detectors } = judgesFor(input);
  const until = input.now().toISOString();
  const traces = await store.searchTraces({
    route: input.route,
    status: 200,
    since: input.since,
    until,
    withContent: true,
    limit: input.limit,
    newest: true,
  });
  const replayable = traces
    .map((t) => ({ trace: t, messages: traceMessages(t) }))
    .filter((t): t is { trace: TraceRecord; messages: ChatMessage[] } => t.messages !== undefined);
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
  const score = async (
    text: { input: string; output: string; slice: string },
    arm: Omit<ArmMeasure, 'score' | 'judgeError' | 'flags'>,
  ): Promise<ArmMeasure> => {
    const verdict = await judgeOne(judge, text);
    const flags: Record<string, boolean> = {};
    for (const d of detectors) {
      const r = await judgeOne(d, text);
      if (r.ok) flags[d.name] = r.flagged ?? r.score < 0.5;
    }
    return { ...arm, score: verdict.ok ? verdict.score : null, judgeError: verdict.ok ? null : verdict.message, flags };
  };

  let done = 0;
  const measures = await mapLimit(
    replayable,
    Math.max(1, Math.floor(input.concurrency)),
    async ({ trace, messages }): Promise<TraceMeasure> => {
      const slice = trace.slice ?? ROOT_SLICE;
      // Both answers are judged against the same input: the user's text after this release's preprocessing.
      const vars = traceVars(trace);
      const prepared = prepareMessages(release, { messages, vars });
      const judgeInput = prepared.ok ? prepared.input : lastUserText(messages);
      const production = await score(
        { input: judgeInput, output: trace.output, slice },
        {
          error: null,
          latencyMs: trace.latencyMs,
          costUsd: trace.costUsd,
          tokens: trace.promptTokens + trace.completionTokens,
        },
      );
      let replayed: ArmMeasure;
      try {
        const s = await serve(
          release,
          { messages, vars, ...(trace.slice ? { slice: trace.slice } : {}) },
          { providers: input.providers },
        );
        replayed = s.ok
          ? await score(
              { input: s.input, output: s.text, slice },
              { error: null, latencyMs: s.latencyMs, costUsd: s.costUsd, tokens: s.usage.total_tokens },
            )
          : failed(
              s.code === 'bad_request'
                ? `${s.message} (a trace keeps the request's messages, not its metadata variables)`
                : s.message,
            );
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        replayed = failed(`${e.kind}: ${e.message}`);
      }
      input.onTrace?.(++done, replayable.length);
      return { traceId: trace.id, slice, productionRelease: trace.releaseId, replay: replayed, production };
    },
  );
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
