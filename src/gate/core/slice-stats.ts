import type { SliceCalibration } from '../../judging/calibration.js';
import {
  holm,
  mean,
  minimumDetectableShift,
  ppiMean,
  standardDeviation,
  tBounds,
  type TTestResult,
  tTest,
  tTestFromSummary,
} from '../../stats/index.js';
import { ALPHA_FAIL, ALPHA_PASS, POWER } from './decision-rule.js';
import type { CheckOutcome, PpiEstimate, SliceResult, Verdict } from './gate-result.js';
import type { MeasureTable } from './measure-table.js';
import { sliceColumns, type SliceColumns } from './slice-columns.js';
import type { Threshold } from './thresholds.js';

export interface SliceContext {
  readonly slice: string;
  readonly threshold: Threshold;
  readonly calibration: SliceCalibration | null;
  /** Calibration for an item's own slice (its calibrated score). */
  readonly itemCalibration: (slice: string) => SliceCalibration | null;
  readonly minCalibration: number;
  readonly humanScale: readonly [number, number] | null;
}

/** Human-scored items a slice needs before its absolute check uses the prediction-powered estimate. */
export const PPI_MIN_HUMAN = 10;

/** One of a slice's two checks, before multiplicity control. */
export interface SliceCheck {
  readonly kind: 'min' | 'drop';
  /** One-sided p-value against "the slice meets this threshold". */
  readonly p: number;
  /** The one-sided (1 − ALPHA_PASS) bound clears the threshold. */
  readonly proven: boolean;
  /** Why the slice fails, when the evidence holds after multiplicity control (the adjusted p is appended). */
  readonly failReason: string;
  /** Why the check is inconclusive, when it neither fails nor is proven. */
  readonly openReason: string;
}

/** What one slice's data say, before the checks of all slices are adjusted together. */
export interface SliceEvidence {
  readonly stats: Omit<SliceResult, 'verdict' | 'reasons' | 'p_holm' | 'p_fail' | 'outcomes'>;
  readonly checks: readonly SliceCheck[];
  /** Reasons for review that do not come from a check (too few items, judge errors, an untrusted judge). */
  readonly review: readonly string[];
  /** Set when the judge is not trusted here: its scores cannot fail the slice. */
  readonly untrusted: string | null;
}

const round = (v: number | null, d = 4): number | null =>
  v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d;
const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
/** An interval kept inside [lo, hi], the range its quantity can take. */
const within = (a: number, b: number, lo: number, hi: number): readonly [number, number] => [
  round(clip(a, lo, hi))!,
  round(clip(b, lo, hi))!,
];
const f2 = (v: number) => v.toFixed(2);

function ppiFor(items: SliceColumns, scale: readonly [number, number] | null) {
  if (items.human.length < 2 || items.judgeOnly.length < 1) return null;
  const [lo, hi] = scale ?? [0, 1];
  const human = items.human.map((h) => (h - lo) / (hi - lo || 1));
  return ppiMean({ human, judgeOnHuman: items.judgeOnHuman, judgeOnly: items.judgeOnly, alpha: 0.05 });
}

/** The absolute check: is the slice's mean at least `min`? */
function minCheck(t: TTestResult, min: number, label: string): SliceCheck {
  const { lower, upper } = tBounds(t, ALPHA_PASS);
  const interval = `[${f2(clip(lower, 0, 1))}, ${f2(clip(upper, 0, 1))}]`;
  return {
    kind: 'min',
    p: tTestFromSummary(t.estimate, t.se, t.df, min).pBelow,
    proven: lower >= min,
    failReason: `${label} ${f2(t.estimate)} < min ${f2(min)}`,
    openReason:
      t.estimate < min
        ? `${label} ${f2(t.estimate)} < min ${f2(min)}, not proven: interval ${interval}`
        : `${label} ${f2(t.estimate)}, interval ${interval}: cannot tell whether it is at least min ${f2(min)}`,
  };
}

/** The paired non-inferiority check: has the slice dropped more than `max_drop` from the baseline? */
function dropCheck(t: TTestResult, maxDrop: number, n: number, mdd: number): SliceCheck {
  const { lower, upper } = tBounds(t, ALPHA_PASS);
  const interval = `[${f2(clip(lower, -1, 1))}, ${f2(clip(upper, -1, 1))}]`;
  const hint = mdd > maxDrop ? `; ${n} items can only see drops ≥ ${f2(mdd)}: add items` : '';
  return {
    kind: 'drop',
    p: tTestFromSummary(t.estimate, t.se, t.df, -maxDrop).pBelow,
    proven: lower > -maxDrop,
    failReason: `drop ${f2(-t.estimate)} from baseline > max_drop ${f2(maxDrop)}`,
    openReason: `the interval ${interval} of the change cannot rule out a drop over max_drop ${f2(maxDrop)}${hint}`,
  };
}

/** The statistics of one slice and its checks: an absolute one against `min`, a paired one against the baseline. */
export function sliceEvidence(all: MeasureTable, ctx: SliceContext): SliceEvidence {
  const items = sliceColumns(all, ctx.slice, ctx.itemCalibration);
  const { scores, judgeErrors, itemErrors } = items;
  const { min, max_drop, min_items } = ctx.threshold;
  const review: string[] = [];
  // Where the judge is not trusted, its scores cannot fail a slice either: review.
  const cal = ctx.calibration;
  const untrusted = cal?.source
    ? cal.rho === null
      ? `too few usable anchors (${cal.n}) to trust the judge here`
      : cal.rho < ctx.minCalibration
        ? `judge calibration ρ ${cal.rho.toFixed(2)} < min_calibration ${ctx.minCalibration}`
        : null
    : null;

  const checks: SliceCheck[] = [];
  const score = scores.length ? mean(scores) : null;
  const scoreTest = scores.length >= 2 ? tTest(scores) : null;
  const ci = scoreTest ? tBounds(scoreTest, ALPHA_PASS) : null;
  const ppi = ppiFor(items, ctx.humanScale);
  if (min !== null) {
    if (ppi && items.human.length >= PPI_MIN_HUMAN) {
      const t = tTestFromSummary(ppi.estimate, ppi.se, items.human.length - 1);
      checks.push(minCheck(t, min, `score (prediction-powered, ${items.human.length} human scores)`));
    } else if (scoreTest) checks.push(minCheck(scoreTest, min, 'score'));
    else if (score !== null) review.push(`1 scored item: too few to compare with min ${f2(min)}`);
  }

  const { pairedCandidate: pc, pairedBaseline: pb } = items;
  const diffs = pc.map((v, j) => v - pb[j]!);
  const hasBaseline = pc.length > 0;
  const dropTest = diffs.length >= 2 ? tTest(diffs) : null;
  const deltaCi = dropTest ? tBounds(dropTest, ALPHA_PASS) : null;
  const mdd = dropTest ? minimumDetectableShift(standardDeviation(diffs), diffs.length, { power: POWER }) : null;
  if (max_drop !== null && dropTest && mdd !== null) checks.push(dropCheck(dropTest, max_drop, diffs.length, mdd));
  else if (max_drop !== null && hasBaseline)
    review.push(`1 item scored on both releases: too few to compare with the baseline`);

  if (score === null) review.push('no item of this slice was scored');
  if (scores.length < min_items) review.push(`${scores.length} scored items < min_items ${min_items}`);
  if (items.n > 0 && judgeErrors / items.n > 0.1)
    review.push(`${judgeErrors} of ${items.n} items had judge errors (> 10%)`);
  if (untrusted) review.push(untrusted);

  const drop = checks.find((c) => c.kind === 'drop');
  return {
    stats: {
      slice: ctx.slice,
      n: scores.length,
      score: round(score),
      ci: ci ? within(ci.lower, ci.upper, 0, 1) : null,
      min,
      baseline_score: round(hasBaseline ? mean(pb) : null),
      delta: round(hasBaseline ? mean(diffs) : null),
      calibration: round(cal?.rho ?? null),
      judge_errors: judgeErrors,
      delta_ci: deltaCi ? within(deltaCi.lower, deltaCi.upper, -1, 1) : null,
      max_drop,
      min_items,
      non_inferior: drop ? drop.proven : null,
      mdd: round(mdd),
      calibration_ci: cal?.ci ? within(cal.ci[0], cal.ci[1], -1, 1) : null,
      calibration_source: cal?.source ?? null,
      item_errors: itemErrors,
      ppi: ppi
        ? ({
            n_human: items.human.length,
            estimate: round(ppi.estimate)!,
            ci: within(ppi.lower, ppi.upper, 0, 1),
          } satisfies PpiEstimate)
        : null,
    },
    checks,
    review,
    untrusted,
  };
}

/**
 * A slice's verdict from its evidence and its checks' p-values after
 * multiplicity control across the slices judged (`adjusted` in the order of
 * `e.checks`; `holmAdjusted` the same under Holm, reported as p_holm).
 */
export function finishSlice(
  e: SliceEvidence,
  adjusted: readonly number[],
  holmAdjusted: readonly number[],
): SliceResult {
  const reasons: string[] = [];
  const open: string[] = [];
  let verdict: Verdict = 'pass';
  const outcomes: Record<'min' | 'drop', CheckOutcome | null> = { min: null, drop: null };
  e.checks.forEach((c, i) => {
    const p = adjusted[i]!;
    if (p <= ALPHA_FAIL) {
      outcomes[c.kind] = 'fail';
      const because = `${c.failReason} (adjusted p ${p < 0.0001 ? '< 0.0001' : p.toFixed(4)})`;
      if (e.untrusted) open.push(`${because} (not conclusive: the judge is not trusted here)`);
      else {
        verdict = 'fail';
        reasons.push(because);
      }
    } else if (c.proven) outcomes[c.kind] = 'pass';
    else {
      outcomes[c.kind] = 'inconclusive';
      open.push(c.openReason);
    }
  });
  open.push(...e.review);
  if (open.length && verdict === 'pass') verdict = 'review';
  reasons.push(...open);
  const min = (xs: readonly number[]) => (xs.length ? round(Math.min(...xs)) : null);
  return {
    ...e.stats,
    verdict,
    reasons,
    p_holm: min(holmAdjusted),
    p_fail: min(adjusted),
    outcomes,
  };
}

/** One slice judged on its own (its checks a family of their own, Holm-adjusted). */
export function sliceResult(all: MeasureTable, ctx: SliceContext): SliceResult {
  const e = sliceEvidence(all, ctx);
  const adjusted = holm(e.checks.map((c) => c.p));
  return finishSlice(e, adjusted, adjusted);
}
