import { jsonDigest } from '../kernel/canonical-json.js';
import type { Judge, JudgeResult } from '../judging/judge.js';
import { ProviderError } from '../providers/model-provider.js';
import { serve, type ServeDeps } from '../serving/serve.js';
import type { ServingRelease } from '../serving/serving-release.js';
import type { Store } from '../store/store.js';
import { MeasureTable } from './core/measure-table.js';
import type { ArmMeasure, ItemMeasure } from './core/measurement.js';
import type { SuiteItem } from './suite.js';

/** A served answer as cached: enough to judge it again without calling the provider. */
interface CachedOutput {
  input: string;
  text: string;
  latencyMs: number;
  costUsd: number;
  tokens: number;
}

export interface RunOptions {
  readonly concurrency: number;
  readonly maxCostUsd?: number;
  readonly maxTokens?: number;
  readonly onItem?: (m: ItemMeasure, done: number, total: number) => void;
}

export interface RunItemsInput {
  readonly store: Store;
  readonly deps: ServeDeps;
  readonly release: ServingRelease;
  readonly baseline: ServingRelease | null;
  /** The items, consumed in order (a lazily parsed suite is never held whole). */
  readonly items: Iterable<SuiteItem>;
  /** How many items `items` yields. */
  readonly total: number;
  readonly judge: Judge | null;
  readonly detectors: readonly Judge[];
}

export interface RunItemsResult {
  /** In suite order: the items pulled before the run stopped (all of them unless it stopped early). */
  readonly measures: MeasureTable;
  readonly stopped: string | null;
  readonly providerCalls: number;
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
  const { store, release, baseline, items, total, judge, detectors } = input;
  const judges = [...(judge ? [judge] : []), ...detectors];
  const outputs = new Map<string, Map<string, string>>();
  for (const r of [release, baseline]) if (r) outputs.set(r.id, await store.gateOutputs(r.id, SAMPLE));
  const scores = new Map<string, Map<string, string>>();
  for (const j of judges) scores.set(j.digest, await store.judgeScores(j.digest));
  const newOutputs: { releaseId: string; itemId: string; sample: number; output: string }[] = [];
  const newScores = new Map<string, { subject: string; result: string }[]>();
  let spent = 0;
  let tokens = 0;
  let calls = 0;

  const judgeOne = async (j: Judge, out: CachedOutput, item: SuiteItem, subject: string): Promise<JudgeResult> => {
    const hit = scores.get(j.digest)!.get(subject);
    if (hit) return JSON.parse(hit) as JudgeResult;
    const r = await j.score({
      input: out.input,
      output: out.text,
      slice: item.slice,
      ...(item.reference !== undefined ? { reference: item.reference } : {}),
    });
    if (r.ok) {
      const text = JSON.stringify(r);
      // Written to the store in the next batch; not kept in memory (a long run would hold every score).
      let pending = newScores.get(j.digest);
      if (!pending) newScores.set(j.digest, (pending = []));
      pending.push({ subject, result: text });
    }
    return r;
  };

  // Cache writes go out in batches, so a long run holds only a batch of them in memory.
  let flushing = Promise.resolve();
  const flush = (): Promise<void> => {
    if (newOutputs.length === 0 && [...newScores.values()].every((rows) => rows.length === 0)) return flushing;
    const outs = newOutputs.splice(0);
    const byJudge = [...newScores].map(([d, rows]) => [d, rows.splice(0)] as const);
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
    if (cached) out = JSON.parse(cached) as CachedOutput;
    else {
      try {
        calls++;
        const s = await serve(r, { messages: item.messages, vars: item.vars, slice: item.slice }, input.deps);
        if (!s.ok)
          return { error: s.message, score: null, judgeError: null, flags: {}, latencyMs: null, costUsd: 0, tokens: 0 };
        out = {
          input: s.input,
          text: s.text,
          latencyMs: s.latencyMs,
          costUsd: s.costUsd,
          tokens: s.usage.total_tokens,
        };
        newOutputs.push({ releaseId: r.id, itemId: item.id, sample: SAMPLE, output: JSON.stringify(out) });
      } catch (e) {
        if (!(e instanceof ProviderError)) throw e;
        return {
          error: `${e.kind}: ${e.message}`,
          score: null,
          judgeError: null,
          flags: {},
          latencyMs: null,
          costUsd: 0,
          tokens: 0,
        };
      }
      spent += out.costUsd;
      tokens += out.tokens;
    }
    const subject = jsonDigest({ input: out.input, output: out.text, reference: item.reference ?? null });
    const verdict = judge ? await judgeOne(judge, out, item, subject) : null;
    const flags: Record<string, boolean> = {};
    for (const d of detectors) {
      const r2 = await judgeOne(d, out, item, subject);
      if (r2.ok) flags[d.name] = r2.flagged ?? r2.score < 0.5;
    }
    return {
      error: null,
      score: verdict?.ok ? verdict.score : null,
      judgeError: verdict && !verdict.ok ? verdict.message : null,
      flags,
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
  return { measures, stopped, providerCalls: calls };
}
