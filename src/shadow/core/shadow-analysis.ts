import { err, ok, type Problem, type Result } from '../../kernel/result.js';
import { ROOT_SLICE, sliceChain } from '../../kernel/slice-tree.js';
import { mean, p95, wilsonInterval, type Interval } from '../../stats/index.js';
import { sideOf, type PairSide, type PairwiseReply } from './pairwise-prompt.js';

/**
 * Comparing a shadow release with the stable one on mirrored traffic.
 *
 * Each pair is judged twice, once in each order (stable shown first, then
 * shadow shown first), and each judgement names the winning release. A pair
 * is a win only when both orders name the same release; any disagreement — one
 * order for each release, or a winner in one order and a tie in the other —
 * is a tie, so a judge that prefers a position cannot hand either release a
 * win. `splitVerdicts` counts pairs whose two orders differed.
 *
 * Win rate = (shadow wins + ties / 2) / n: a tie counts half a win for each
 * side, so 0.5 means no difference. Its 95% interval is the Wilson interval
 * for that many successes out of n. A score of 0, ½ or 1 per pair varies
 * less than a 0/1 outcome with the same mean, so the Wilson interval is
 * conservative for it; with an odd number of ties the half success is
 * covered by joining the intervals for ⌊ties/2⌋ and ⌈ties/2⌉ successes.
 *
 * Pair statistics (from every mirrored pair, judged or not) give
 * shadow − stable deltas: refusal rate, mean answer length in characters
 * (Unicode code points), mean and p95 latency, mean cost per request.
 *
 * Every pair counts in its slice, each ancestor of it, and `*` (overall).
 */

/** A pair's two verdicts: the release each order named the winner. */
export interface PairJudgement {
  readonly slice: string;
  /** The verdict with the stable answer shown first (as A). */
  readonly firstOrder: PairSide;
  /** The verdict with the shadow answer shown first (as A). */
  readonly secondOrder: PairSide;
}

export interface ArmAnswer {
  readonly text: string;
  readonly latencyMs: number;
  readonly costUsd: number;
  readonly refused: boolean;
}

export interface PairStats {
  readonly slice: string;
  readonly stable: ArmAnswer;
  readonly shadow: ArmAnswer;
}

export interface WinTally {
  /** Pairs judged in both orders. */
  readonly n: number;
  readonly shadowWins: number;
  readonly stableWins: number;
  readonly ties: number;
  /** Pairs whose two orders gave different verdicts (all counted as ties). */
  readonly splitVerdicts: number;
  /** (shadowWins + ties / 2) / n; null when n = 0. */
  readonly winRate: number | null;
  readonly ci: Interval | null;
}

export interface ArmComparison {
  readonly stable: number;
  readonly shadow: number;
  /** shadow − stable. */
  readonly delta: number;
}

export interface ShadowSliceReport {
  readonly slice: string;
  readonly judged: WinTally;
  /** Mirrored pairs with statistics. */
  readonly pairs: number;
  readonly refusalRate: ArmComparison | null;
  readonly meanLengthChars: ArmComparison | null;
  readonly meanLatencyMs: ArmComparison | null;
  readonly p95LatencyMs: ArmComparison | null;
  readonly meanCostUsd: ArmComparison | null;
}

export interface ShadowAnalysis {
  /** Every pair: the `*` slice. */
  readonly overall: ShadowSliceReport;
  /** Every other slice (and ancestor) seen, by name. */
  readonly slices: readonly ShadowSliceReport[];
}

const SIDES: readonly PairSide[] = ['stable', 'shadow', 'tie'];

/** The pair's outcome: a release when both orders named it, otherwise a tie. */
export function pairOutcome(j: Pick<PairJudgement, 'firstOrder' | 'secondOrder'>): PairSide {
  return j.firstOrder === j.secondOrder ? j.firstOrder : 'tie';
}

/** A pair's judgement, or `judge_error` when the judge gave no usable verdict for it. */
export type PairVerdict = Result<PairJudgement, Problem<'judge_error'>>;

/** A PairJudgement from the two parsed replies (stable shown first, shadow shown first); an error when either failed. */
export function pairJudgement(slice: string, stableFirst: PairwiseReply, shadowFirst: PairwiseReply): PairVerdict {
  if (!stableFirst.ok) return err('judge_error', `stable-first order: ${stableFirst.error.message}`);
  if (!shadowFirst.ok) return err('judge_error', `shadow-first order: ${shadowFirst.error.message}`);
  return ok({
    slice,
    firstOrder: sideOf(stableFirst.value.winner, 'stable-first'),
    secondOrder: sideOf(shadowFirst.value.winner, 'shadow-first'),
  });
}

/** The win tally of judged pairs; alpha is the interval's two-sided miscoverage (default 0.05). */
export function tallyWins(
  judgements: readonly Pick<PairJudgement, 'firstOrder' | 'secondOrder'>[],
  alpha = 0.05,
): WinTally {
  let shadowWins = 0;
  let stableWins = 0;
  let ties = 0;
  let splitVerdicts = 0;
  judgements.forEach((j, i) => {
    if (!SIDES.includes(j.firstOrder) || !SIDES.includes(j.secondOrder)) {
      throw new RangeError(`judgements[${i}]: each order must name "stable", "shadow" or "tie"`);
    }
    if (j.firstOrder !== j.secondOrder) splitVerdicts++;
    const o = pairOutcome(j);
    if (o === 'shadow') shadowWins++;
    else if (o === 'stable') stableWins++;
    else ties++;
  });
  const n = judgements.length;
  if (n === 0) return { n, shadowWins, stableWins, ties, splitVerdicts, winRate: null, ci: null };
  const low = wilsonInterval(shadowWins + Math.floor(ties / 2), n, alpha);
  const high = wilsonInterval(shadowWins + Math.ceil(ties / 2), n, alpha);
  return {
    n,
    shadowWins,
    stableWins,
    ties,
    splitVerdicts,
    winRate: (shadowWins + ties / 2) / n,
    ci: { lower: low.lower, upper: high.upper },
  };
}

function checkArm(where: string, a: ArmAnswer): void {
  if (typeof a.text !== 'string') throw new RangeError(`${where}.text must be a string`);
  if (!(Number.isFinite(a.latencyMs) && a.latencyMs >= 0))
    throw new RangeError(`${where}.latencyMs must be a finite number ≥ 0`);
  if (!(Number.isFinite(a.costUsd) && a.costUsd >= 0))
    throw new RangeError(`${where}.costUsd must be a finite number ≥ 0`);
}

const chars = (s: string): number => Array.from(s).length;

function compare(stable: number, shadow: number): ArmComparison {
  return { stable, shadow, delta: shadow - stable };
}

function pairReport(slice: string, judged: WinTally, stats: readonly PairStats[]): ShadowSliceReport {
  if (stats.length === 0) {
    return {
      slice,
      judged,
      pairs: 0,
      refusalRate: null,
      meanLengthChars: null,
      meanLatencyMs: null,
      p95LatencyMs: null,
      meanCostUsd: null,
    };
  }
  const arm = (side: 'stable' | 'shadow') => {
    const answers = stats.map((p) => p[side]);
    const latencies = answers.map((a) => a.latencyMs);
    return {
      refusals: mean(answers.map((a) => (a.refused ? 1 : 0))),
      length: mean(answers.map((a) => chars(a.text))),
      latency: mean(latencies),
      p95: p95(latencies),
      cost: mean(answers.map((a) => a.costUsd)),
    };
  };
  const st = arm('stable');
  const sh = arm('shadow');
  return {
    slice,
    judged,
    pairs: stats.length,
    refusalRate: compare(st.refusals, sh.refusals),
    meanLengthChars: compare(st.length, sh.length),
    meanLatencyMs: compare(st.latency, sh.latency),
    p95LatencyMs: compare(st.p95, sh.p95),
    meanCostUsd: compare(st.cost, sh.cost),
  };
}

function bySlice<T extends { readonly slice: string }>(items: readonly T[], into: Map<string, T[]>): void {
  for (const item of items) {
    for (const s of sliceChain(item.slice)) {
      const list = into.get(s);
      if (list) list.push(item);
      else into.set(s, [item]);
    }
  }
}

/** Per slice and overall: wins in both orders, and the shadow − stable deltas. */
export function analyzeShadow(
  judgements: readonly PairJudgement[],
  stats: readonly PairStats[],
  opts: { alpha?: number } = {},
): ShadowAnalysis {
  stats.forEach((p, i) => {
    checkArm(`stats[${i}].stable`, p.stable);
    checkArm(`stats[${i}].shadow`, p.shadow);
  });
  const judgedBy = new Map<string, PairJudgement[]>();
  const statsBy = new Map<string, PairStats[]>();
  bySlice(judgements, judgedBy);
  bySlice(stats, statsBy);
  const report = (slice: string) =>
    pairReport(slice, tallyWins(judgedBy.get(slice) ?? [], opts.alpha), statsBy.get(slice) ?? []);
  const names = [...new Set([...judgedBy.keys(), ...statsBy.keys()])].filter((s) => s !== ROOT_SLICE).sort();
  return { overall: report(ROOT_SLICE), slices: names.map(report) };
}
