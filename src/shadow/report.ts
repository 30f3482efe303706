import type { JudgeConfig, SluiceConfig } from '../config/sluice-schema.js';
import { SluiceError } from '../kernel/errors.js';
import { createJudge } from '../judging/create-judge.js';
import type { Judge, JudgeResult } from '../judging/judge.js';
import { errorMessage } from '../judging/judge-library.js';
import { mapLimit } from '../kernel/map-limit.js';
import { readProjectFile } from '../judging/project-file.js';
import {
  orderedPair,
  pairwiseMessages,
  parsePairwiseReply,
  PAIRWISE_PROMPT_VERSION,
  type PairOrder,
  type PairSide,
  type PairwiseReply,
} from './core/pairwise-prompt.js';
import { requestSlice } from '../observe/core/sample.js';
import {
  analyzeShadow,
  pairJudgement,
  type PairJudgement,
  type PairStats,
  type ShadowAnalysis,
} from './core/shadow-analysis.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { ShadowPairRecord, Store } from '../store/store.js';

/**
 * How the pairs were judged: `pairwise` by the gate's rubric judge model
 * shown both answers (twice, once in each order); `scores` by the gate's
 * judge scoring each answer on its own (higher wins; the same verdict stands
 * for both orders); `none` without a gate judge (deltas only).
 */
export type ShadowJudgeMethod = 'pairwise' | 'scores' | 'none';

export interface ShadowReport {
  readonly route: string;
  readonly shadowRelease: string;
  /** The stable releases the pairs were compared with (more than one when the stable changed meanwhile). */
  readonly stableReleases: readonly string[];
  /** Pairs analysed (the most recent `maxPairs` when capped). */
  readonly pairs: number;
  /** Pairs stored in all, before the cap. */
  readonly pairsStored: number;
  readonly method: ShadowJudgeMethod;
  /** The gate judge's name in sluice.yaml (null without one). */
  readonly judge: string | null;
  /** The pairwise prompt's version when the method is pairwise. */
  readonly promptVersion: string | null;
  /** The refusal detector used for refusal rates (null: none configured, every rate is 0). */
  readonly refusalDetector: string | null;
  /** Pairs judged in both orders. */
  readonly judged: number;
  /** Pairs whose judging failed in either order: left out of the win rates. */
  readonly judgeErrors: number;
  /** A few of those failures, for the reader. */
  readonly judgeErrorSamples: readonly string[];
  readonly firstPairAt: string | null;
  readonly lastPairAt: string | null;
  readonly generatedAt: string;
  /** Per slice and overall: the win rate of the shadow with its interval, and shadow − stable deltas. */
  readonly overall: ShadowAnalysis['overall'];
  readonly slices: ShadowAnalysis['slices'];
}

export interface ShadowReportDeps {
  readonly store: Store;
  readonly config: SluiceConfig;
  readonly projectDir: string;
  readonly providers: ProviderRegistry;
  readonly now?: () => Date;
}

export interface ShadowReportOptions {
  readonly route: string;
  /** The shadow release whose pairs are analysed; default the route's current shadow, else the latest one with pairs. */
  readonly shadowRelease?: string;
  /** Analyse only the most recent N pairs. */
  readonly maxPairs?: number;
  /** Judge calls in flight at once. Default 8. */
  readonly concurrency?: number;
  /** The intervals' two-sided miscoverage. Default 0.05. */
  readonly alpha?: number;
  readonly signal?: AbortSignal;
}

type Verdict = { ok: true; judgement: PairJudgement } | { ok: false; message: string };

/** Compares the two answers of a pair, in both orders. */
interface PairJudge {
  readonly method: Exclude<ShadowJudgeMethod, 'none'>;
  judge(pair: ShadowPairRecord, slice: string, signal?: AbortSignal): Promise<Verdict>;
}

/** The gate's rubric judge model asked which answer is better, stable first and then shadow first. */
function pairwiseJudge(name: string, cfg: Extract<JudgeConfig, { kind: 'rubric' }>, deps: ShadowReportDeps): PairJudge {
  const rubric = readProjectFile(deps.projectDir, cfg.rubric, `judges.${name}.rubric`).bytes.toString('utf8');
  const provider: ModelProvider = deps.providers.get(cfg.provider);
  const ask = async (
    order: PairOrder,
    pair: ShadowPairRecord,
    slice: string,
    signal?: AbortSignal,
  ): Promise<PairwiseReply> => {
    const messages = pairwiseMessages(
      orderedPair(order, { rubric, question: pair.input, stable: pair.stableOutput, shadow: pair.shadowOutput }),
    );
    try {
      const reply = await provider.chat({
        model: cfg.model,
        messages,
        params: { temperature: 0 },
        json: true,
        hints: { slice },
        ...(signal ? { signal } : {}),
      });
      return parsePairwiseReply(reply.text);
    } catch (e) {
      return { ok: false, message: `judge model call failed: ${errorMessage(e)}` };
    }
  };
  return {
    method: 'pairwise',
    async judge(pair, slice, signal) {
      const [stableFirst, shadowFirst] = await Promise.all([
        ask('stable-first', pair, slice, signal),
        ask('shadow-first', pair, slice, signal),
      ]);
      return pairJudgement(slice, stableFirst, shadowFirst);
    },
  };
}

/** Any other judge: each answer scored on its own; the higher score wins, equal scores tie, in both orders alike. */
function scoreJudge(judge: Judge): PairJudge {
  const score = async (input: string, output: string, slice: string, signal?: AbortSignal): Promise<JudgeResult> => {
    try {
      return await judge.score({ input, output, slice, ...(signal ? { signal } : {}) });
    } catch (e) {
      return { ok: false, code: 'judge_error', message: errorMessage(e) };
    }
  };
  return {
    method: 'scores',
    async judge(pair, slice, signal) {
      const [stable, shadow] = await Promise.all([
        score(pair.input, pair.stableOutput, slice, signal),
        score(pair.input, pair.shadowOutput, slice, signal),
      ]);
      if (!stable.ok) return { ok: false, message: `stable answer: ${stable.message}` };
      if (!shadow.ok) return { ok: false, message: `shadow answer: ${shadow.message}` };
      const side: PairSide = shadow.score > stable.score ? 'shadow' : stable.score > shadow.score ? 'stable' : 'tie';
      return { ok: true, judgement: { slice, firstOrder: side, secondOrder: side } };
    },
  };
}

/** The refusal detector: the gate's detector of kind refusal, else any judge of that kind. */
function refusalDetectorName(config: SluiceConfig): string | null {
  const isRefusal = (name: string) => config.judges[name]?.kind === 'refusal';
  return config.gate.detectors.find(isRefusal) ?? Object.keys(config.judges).find(isRefusal) ?? null;
}

/** Which shadow release a report is about: the one asked for, the route's current shadow, else the latest with pairs. */
async function chooseShadow(store: Store, route: string, asked: string | undefined): Promise<string> {
  if (asked) return asked;
  const current = (await store.shadows()).find((s) => s.route === route);
  if (current) return current.releaseId;
  const pairs = await store.shadowPairs({ route });
  const latest = pairs[pairs.length - 1];
  if (!latest)
    throw new SluiceError(
      'not_found',
      `route ${route} has no shadow and no stored shadow pairs: start one with sluice shadow ID`,
    );
  return latest.shadowRelease;
}

/**
 * The shadow analysis of a route: the stored stable/shadow pairs of one
 * shadow release, each judged in both orders (a win only when both orders
 * agree), refusals detected, and the per-slice win rates with intervals and
 * refusal, length, latency and cost deltas (see observe/shadow-analysis.ts).
 * Latency compares the stable answer as the gateway timed it with the
 * shadow's upstream call.
 */
export async function shadowReport(deps: ShadowReportDeps, opts: ShadowReportOptions): Promise<ShadowReport> {
  const { store, config } = deps;
  const shadowRelease = await chooseShadow(store, opts.route, opts.shadowRelease);
  const stored = await store.shadowPairs({ route: opts.route, shadowRelease });
  const pairs =
    opts.maxPairs !== undefined && stored.length > opts.maxPairs ? stored.slice(stored.length - opts.maxPairs) : stored;

  const judgeName = config.gate.judge ?? null;
  const judgeCfg = judgeName ? config.judges[judgeName] : undefined;
  if (judgeName && !judgeCfg)
    throw new SluiceError('bad_input', `gate.judge names "${judgeName}", which is not under judges:`);
  const makeJudge = (name: string) =>
    createJudge(name, config.judges[name]!, { projectDir: deps.projectDir, providers: (p) => deps.providers.get(p) });
  const pairJudge: PairJudge | null =
    !judgeName || !judgeCfg
      ? null
      : judgeCfg.kind === 'rubric'
        ? pairwiseJudge(judgeName, judgeCfg, deps)
        : scoreJudge(makeJudge(judgeName));
  const refusalName = refusalDetectorName(config);
  const refusal = refusalName ? makeJudge(refusalName) : null;

  const refused = async (input: string, output: string, slice: string): Promise<boolean> => {
    if (!refusal) return false;
    const r = await refusal.score({ input, output, slice }).catch(() => null);
    return r?.ok === true && r.flagged === true;
  };

  const judged = await mapLimit(pairs, opts.concurrency ?? 8, async (pair) => {
    const slice = requestSlice({ headers: pair.slice ? { 'x-sluice-slice': pair.slice } : {} });
    const [verdict, stableRefused, shadowRefused] = await Promise.all([
      pairJudge ? pairJudge.judge(pair, slice, opts.signal) : Promise.resolve(null),
      refused(pair.input, pair.stableOutput, slice),
      refused(pair.input, pair.shadowOutput, slice),
    ]);
    const stat: PairStats = {
      slice,
      stable: {
        text: pair.stableOutput,
        latencyMs: pair.stableLatencyMs,
        costUsd: pair.stableCostUsd,
        refused: stableRefused,
      },
      shadow: {
        text: pair.shadowOutput,
        latencyMs: pair.shadowLatencyMs,
        costUsd: pair.shadowCostUsd,
        refused: shadowRefused,
      },
    };
    return { id: pair.id, verdict, stat };
  });
  const judgements = judged.flatMap((j) => (j.verdict?.ok ? [j.verdict.judgement] : []));
  const errors = judged.flatMap((j) => (j.verdict && !j.verdict.ok ? [`${j.id}: ${j.verdict.message}`] : []));
  const stats = judged.map((j) => j.stat);

  const analysis = analyzeShadow(judgements, stats, opts.alpha !== undefined ? { alpha: opts.alpha } : {});
  return {
    route: opts.route,
    shadowRelease,
    stableReleases: [...new Set(pairs.map((p) => p.stableRelease))],
    pairs: pairs.length,
    pairsStored: stored.length,
    method: pairJudge?.method ?? 'none',
    judge: judgeName,
    promptVersion: pairJudge?.method === 'pairwise' ? PAIRWISE_PROMPT_VERSION : null,
    refusalDetector: refusalName,
    judged: judgements.length,
    judgeErrors: errors.length,
    judgeErrorSamples: errors.slice(0, 5),
    firstPairAt: pairs[0]?.createdAt ?? null,
    lastPairAt: pairs[pairs.length - 1]?.createdAt ?? null,
    generatedAt: (deps.now ?? (() => new Date()))().toISOString(),
    overall: analysis.overall,
    slices: analysis.slices,
  };
}
