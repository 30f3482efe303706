import { type Clock, dateOf } from '../kernel/clock.js';
import { gateCalibration } from '../gate/gate-judges.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { SluiceError } from '../kernel/errors.js';
import { ROOT_SLICE } from '../kernel/slice-tree.js';
import { type ArmMeasure, failedMeasure as failed } from '../gate/core/measurement.js';
import type { Judge } from '../judging/judge.js';
import { judgeSetOf, type JudgeSetup } from '../judging/judge-set.js';
import { scoreAnswer } from '../judging/score.js';
import { ScoreCache } from '../judging/score-cache.js';
import { mapLimit } from '../kernel/map-limit.js';
import type { ChatMessage } from '../release/preprocess.js';
import { lastUserText } from '../kernel/chat.js';
import { prepareMessages } from '../serving/build-messages.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { describeServeProblem, serve } from '../serving/serve.js';
import type { ServingRelease } from '../serving/serving-release.js';
import type { TraceRecord, TraceStore } from '../gateway/trace-store.js';
import type { JudgeScoreStore } from '../judging/judge-score-store.js';
import type { Transactional } from '../kernel/transactional.js';
import type { BlobStore } from '../release/release-store.js';

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

/** With the judge setup: sluice.yaml, the project folder, its providers and (optionally) its built judge set. */
/** What replay reads and writes: recorded traces, the judge cache, the anchors' blobs. */
export type ReplayStore = Pick<TraceStore, 'searchTraces'> &
  JudgeScoreStore &
  Transactional<JudgeScoreStore> &
  Pick<BlobStore, 'getBlob'>;

export interface ReplayInput extends JudgeSetup {
  readonly store: ReplayStore;
  readonly config: SluiceConfig;
  readonly providers: ProviderRegistry;
  readonly release: ServingRelease;
  /** The route whose traffic is replayed (the release's name). */
  readonly route: string;
  /** Traces from this time on (inclusive, ISO). */
  readonly since: string;
  /** At most this many traces: the newest. */
  readonly limit: number;
  readonly concurrency: number;
  readonly clock: Clock;
  readonly onTrace?: (done: number, total: number) => void;
}

/** The gate's judge and detectors, as sluice.yaml configures them. */
function judgesFor(input: ReplayInput): { judge: Judge; detectors: readonly Judge[] } {
  const { judge, detectors } = judgeSetOf(input);
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

/** Replays the route's recent successful traces through the release and scores both sides. */
export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const { store, release } = input;
  const { judge, detectors } = judgesFor(input);
  const until = dateOf(input.clock).toISOString();
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
  const cache = new ScoreCache(store, { remember: true });
  const score = async (
    text: { input: string; output: string; slice: string },
    arm: Omit<ArmMeasure, 'score' | 'judgeError' | 'flags'>,
  ): Promise<ArmMeasure> => ({ ...arm, ...(await scoreAnswer({ judge, detectors }, text, cache)) });

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
      const served = await serve(
        release,
        { messages, vars, ...(trace.slice ? { slice: trace.slice } : {}) },
        { providers: input.providers },
      );
      const replayed: ArmMeasure = served.ok
        ? await score(
            { input: served.value.input, output: served.value.text, slice },
            {
              error: null,
              latencyMs: served.value.latencyMs,
              costUsd: served.value.costUsd,
              tokens: served.value.usage.total_tokens,
            },
          )
        : failed(
            served.error.code === 'bad_request'
              ? `${served.error.message} (a trace keeps the request's messages, not its metadata variables)`
              : describeServeProblem(served.error),
          );
      input.onTrace?.(++done, replayable.length);
      return { traceId: trace.id, slice, productionRelease: trace.releaseId, replay: replayed, production };
    },
  );
  const fresh = cache.takePending();
  if (fresh.length > 0) {
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
