import { type Clock, dateOf, systemClock } from '../kernel/clock.js';
import type { JudgeConfig, SluiceConfig } from '../config/sluice-schema.js';
import { SluiceError } from '../kernel/errors.js';
import type { Judge } from '../judging/judge.js';
import { errorMessage } from '../judging/judge-library.js';
import { err, ok } from '../kernel/result.js';
import { judgeSetOf, type JudgeSetup } from '../judging/judge-set.js';
import { scoreAnswer, type AnswerScore } from '../judging/score.js';
import { parseSlice } from '../kernel/request-slice.js';
import { ROOT_SLICE } from '../kernel/slice-tree.js';
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
import {
  analyzeShadow,
  pairJudgement,
  type PairStats,
  type PairVerdict,
  type ShadowAnalysis,
} from './core/shadow-analysis.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { ShadowPairRecord, ShadowStore } from './shadow-store.js';

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

/** With the judge setup: sluice.yaml, the project folder, its providers and (optionally) its built judge set. */
export interface ShadowReportDeps extends JudgeSetup {
  readonly store: Pick<ShadowStore, 'shadows' | 'shadowPairs'>;
  readonly config: SluiceConfig;
  readonly providers: ProviderRegistry;
  readonly clock?: Clock;
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

/** Compares the two answers of a pair, in both orders (pairwise: the judge model shown both). */
interface PairJudge {
  readonly method: 'pairwise';
  judge(pair: ShadowPairRecord, slice: string, signal?: AbortSignal): Promise<PairVerdict>;
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
      return err('judge_error', `judge model call failed: ${errorMessage(e)}`);
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
function scoresVerdict(slice: string, stable: AnswerScore, shadow: AnswerScore): PairVerdict {
  if (stable.judgeError !== null) return err('judge_error', `stable answer: ${stable.judgeError}`);
  if (shadow.judgeError !== null) return err('judge_error', `shadow answer: ${shadow.judgeError}`);
  const [a, b] = [stable.score ?? 0, shadow.score ?? 0];
  const side: PairSide = b > a ? 'shadow' : a > b ? 'stable' : 'tie';
  return ok({ slice, firstOrder: side, secondOrder: side });
}

/** Which shadow release a report is about: the one asked for, the route's current shadow, else the latest with pairs. */
async function chooseShadow(
  store: Pick<ShadowStore, 'shadows' | 'shadowPairs'>,
  route: string,
  asked: string | undefined,
): Promise<string> {
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
  const judges = judgeSetOf(deps);
  const method: ShadowJudgeMethod =
    !judgeName || !judgeCfg ? 'none' : judgeCfg.kind === 'rubric' ? 'pairwise' : 'scores';
  const pairJudge = judgeName && judgeCfg?.kind === 'rubric' ? pairwiseJudge(judgeName, judgeCfg, deps) : null;
  const refusal: Judge | null = judges.refusal;
  // Each answer is scored on its own by the one scoring function: the gate's judge (method scores) and the refusal detector.
  const sideJudges = { judge: method === 'scores' ? judges.judge : null, detectors: refusal ? [refusal] : [] };
  const scoreSide = (output: string, pair: ShadowPairRecord, slice: string): Promise<AnswerScore> =>
    scoreAnswer(sideJudges, { input: pair.input, output, slice, ...(opts.signal ? { signal: opts.signal } : {}) });
  const refused = (s: AnswerScore): boolean => (refusal ? s.flags[refusal.name] === true : false);

  const judged = await mapLimit(pairs, opts.concurrency ?? 8, async (pair) => {
    // Stored as the gateway validated it; an older row's value that is not a slice path counts for the route as a whole.
    const slice = parseSlice(pair.slice) ?? ROOT_SLICE;
    const [pairwise, stableScore, shadowScore] = await Promise.all([
      pairJudge ? pairJudge.judge(pair, slice, opts.signal) : Promise.resolve(null),
      scoreSide(pair.stableOutput, pair, slice),
      scoreSide(pair.shadowOutput, pair, slice),
    ]);
    const verdict = method === 'scores' ? scoresVerdict(slice, stableScore, shadowScore) : pairwise;
    const [stableRefused, shadowRefused] = [refused(stableScore), refused(shadowScore)];
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
  const judgements = judged.flatMap((j) => (j.verdict?.ok ? [j.verdict.value] : []));
  const errors = judged.flatMap((j) => (j.verdict && !j.verdict.ok ? [`${j.id}: ${j.verdict.error.message}`] : []));
  const stats = judged.map((j) => j.stat);

  const analysis = analyzeShadow(judgements, stats, opts.alpha !== undefined ? { alpha: opts.alpha } : {});
  return {
    route: opts.route,
    shadowRelease,
    stableReleases: [...new Set(pairs.map((p) => p.stableRelease))],
    pairs: pairs.length,
    pairsStored: stored.length,
    method,
    judge: judgeName,
    promptVersion: method === 'pairwise' ? PAIRWISE_PROMPT_VERSION : null,
    refusalDetector: refusal?.name ?? null,
    judged: judgements.length,
    judgeErrors: errors.length,
    judgeErrorSamples: errors.slice(0, 5),
    firstPairAt: pairs[0]?.createdAt ?? null,
    lastPairAt: pairs[pairs.length - 1]?.createdAt ?? null,
    generatedAt: dateOf(deps.clock ?? systemClock).toISOString(),
    overall: analysis.overall,
    slices: analysis.slices,
  };
}
