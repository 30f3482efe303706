import type { JudgeSet } from '../judging/judge-set.js';
import { responseSchemaOf } from '../judging/response-schema.js';
import { scoreAnswer } from '../judging/score.js';
import { ScoreCache } from '../judging/score-cache.js';
import { describeServeProblem, serve, type ServeDeps } from '../serving/serve.js';
import type { ServingRelease } from '../serving/serving-release.js';
import { ItemErrorTally } from './core/item-errors.js';
import { MeasureTable } from './core/measure-table.js';
import { type ArmMeasure, failedMeasure, type ItemMeasure } from './core/measurement.js';
import type { Transactional } from '../kernel/transactional.js';
import type { JudgeScoreStore } from '../judging/judge-score-store.js';
import type { CachedOutput, GateOutputRecord, GateStore } from './gate-store.js';
import type { SuiteItem } from './suite.js';

export interface RunOptions {
  readonly concurrency: number;
  readonly maxCostUsd?: number;
  readonly maxTokens?: number;
  readonly onItem?: (m: ItemMeasure, done: number, total: number) => void;
}

/** The gate's output cache and the judges' score cache, written in transactions. */
export type RunItemsStore = GateStore & JudgeScoreStore & Transactional<GateStore & JudgeScoreStore>;

export interface RunItemsInput {
  readonly store: RunItemsStore;
  readonly deps: ServeDeps;
  readonly release: ServingRelease;
  readonly baseline: ServingRelease | null;
  /** The items, consumed in order (a lazily parsed suite is never held whole). */
  readonly items: Iterable<SuiteItem>;
  /** How many items `items` yields. */
  readonly total: number;
  /** The quality judge and the detectors (the project's judge set). */
  readonly judges: Pick<JudgeSet, 'judge' | 'detectors'>;
}

export interface RunItemsResult {
  /** In suite order: the items pulled before the run stopped (all of them unless it stopped early). */
  readonly measures: MeasureTable;
  readonly stopped: string | null;
  readonly providerCalls: number;
  /** The first distinct serving errors, with their counts. */
  readonly errors: ItemErrorTally;
}

const SAMPLE = 0;
const NO_MESSAGES: readonly never[] = [];
const NO_VARS: Readonly<Record<string, unknown>> = {};

function measuredItem(item: SuiteItem): SuiteItem {
  return {
    id: item.id,
    slice: item.slice,
    messages: NO_MESSAGES,
    vars: NO_VARS,
    line: item.line,
    ...(item.humanScore !== undefined ? { humanScore: item.humanScore } : {}),
  };
}
/**
 * Pending cache writes go out every this many items, in one transaction: about
 * 1 MB of rows waits in memory. Not much fewer: each commit rewrites every store
 * page it touched, and the score index takes random keys (a 100-item batch made
 * a 100,000-item run half again as slow, for no lower peak).
 */
const FLUSH_EVERY = 1000;

/** Runs the items on the serving path (candidate and baseline), judging each answer; caches outputs and scores. */
export async function runItems(input: RunItemsInput, opts: RunOptions): Promise<RunItemsResult> {
  const { store, release, baseline, items, total, judges } = input;
  const outputs = new Map<string, Map<string, CachedOutput>>();
  for (const r of [release, baseline]) if (r) outputs.set(r.id, await store.gateOutputs(r.id, SAMPLE));
  // Stored scores are read for the answers the run judges; fresh ones are written to the store in the
  // next batch, not kept in memory (a long run would hold every score).
  const scores = new ScoreCache(store);
  const newOutputs: GateOutputRecord[] = [];
  let spent = 0;
  let tokens = 0;
  let calls = 0;
  const errors = new ItemErrorTally();

  // Cache writes go out in batches, so a long run holds only a batch of them in memory.
  let flushing = Promise.resolve();
  const flush = (): Promise<void> => {
    if (newOutputs.length === 0 && !scores.hasPending) return flushing;
    const outs = newOutputs.splice(0);
    const byJudge = scores.takePending();
    flushing = flushing.then(() =>
      store.transaction(async (tx) => {
        await tx.putGateOutputs(outs);
        for (const [digest, rows] of byJudge) await tx.putJudgeScores(digest, rows);
      }),
    );
    return flushing;
  };

  const measure = async (r: ServingRelease, item: SuiteItem): Promise<ArmMeasure> => {
    let out: CachedOutput;
    const cached = outputs.get(r.id)!.get(item.id);
    if (cached) out = cached;
    else {
      calls++;
      const served = await serve(
        r,
        { messages: item.messages, vars: item.vars, slice: item.slice, ...(item.extra ? { extra: item.extra } : {}) },
        input.deps,
      );
      if (!served.ok) {
        const why = describeServeProblem(served.error);
        errors.add(r === release ? 'candidate' : 'baseline', why, item.id);
        return failedMeasure(why);
      }
      const s = served.value;
      out = {
        input: s.input,
        text: s.text,
        ...(s.toolCalls ? { toolCalls: s.toolCalls } : {}),
        latencyMs: s.latencyMs,
        costUsd: s.costUsd,
        tokens: s.usage.total_tokens,
      };
      newOutputs.push({ releaseId: r.id, itemId: item.id, sample: SAMPLE, output: out });
      spent += out.costUsd;
      tokens += out.tokens;
    }
    const scored = await scoreAnswer(
      judges,
      {
        input: out.input,
        output: out.text,
        ...(out.toolCalls ? { toolCalls: out.toolCalls } : {}),
        ...responseSchemaOf(item.extra),
        slice: item.slice,
        ...(item.reference !== undefined ? { reference: item.reference } : {}),
      },
      scores,
    );
    return {
      error: null,
      score: scored.score,
      judgeError: scored.judgeError,
      flags: scored.flags,
      latencyMs: out.latencyMs,
      costUsd: out.costUsd,
      tokens: out.tokens,
    };
  };

  const measures = new MeasureTable(total);
  const source = items[Symbol.iterator]();
  let next = 0;
  let done = 0;
  let stopped: string | null = null;
  const over = () =>
    (opts.maxCostUsd !== undefined && spent >= opts.maxCostUsd && `max cost $${opts.maxCostUsd} reached`) ||
    (opts.maxTokens !== undefined && tokens >= opts.maxTokens && `max tokens ${opts.maxTokens} reached`) ||
    null;
  const worker = async () => {
    while (!stopped) {
      const why = over();
      if (why) {
        stopped = why;
        break;
      }
      const pulled = source.next();
      if (pulled.done) break;
      const i = next++;
      const item = pulled.value;
      const [candidate, base] = await Promise.all([
        measure(release, item),
        baseline ? measure(baseline, item) : Promise.resolve(null),
      ]);
      // The verdict needs only the item's slice and numbers: its messages, reference and strings are let go.
      const m: ItemMeasure = { item: measuredItem(item), candidate, baseline: base };
      measures.set(i, m);
      done++;
      opts.onItem?.(m, done, total);
      // Every FLUSH_EVERY items the pending cache writes go out; this worker waits for them (backpressure).
      if (done % FLUSH_EVERY === 0) await flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  await flush();
  return { measures, stopped, providerCalls: calls, errors };
}
