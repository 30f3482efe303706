import type { SliceCalibration } from '../../judging/calibration.js';
import {
  mean,
  meanInterval,
  nonInferiority,
  pairedBootstrapMeanDiff,
  ppiMean,
  studentTCdf,
  standardDeviation,
} from '../../stats/index.js';
import type { PpiEstimate, SliceResult, Verdict } from './gate-result.js';
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

const round = (v: number | null, d = 4): number | null =>
  v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d;
const pair = (a: number, b: number): readonly [number, number] => [round(a)!, round(b)!];

/** One-sided p-value of a paired t-test for "candidate is worse than baseline". */
function pDrop(diffs: readonly number[]): number | null {
  if (diffs.length < 3) return null;
  const sd = standardDeviation(diffs);
  if (sd === 0) return mean(diffs) < 0 ? 0 : 1;
  const t = mean(diffs) / (sd / Math.sqrt(diffs.length));
  return studentTCdf(t, diffs.length - 1);
}

function ppiFor(items: SliceColumns, scale: readonly [number, number] | null): PpiEstimate | null {
  if (items.human.length < 2) return null;
  const [lo, hi] = scale ?? [0, 1];
  const human = items.human.map((h) => (h - lo) / (hi - lo || 1));
  if (items.judgeOnly.length < 1) return null;
  const r = ppiMean({ human, judgeOnHuman: items.judgeOnHuman, judgeOnly: items.judgeOnly, alpha: 0.05 });
  return { n_human: items.human.length, estimate: round(r.estimate)!, ci: pair(r.lower, r.upper) };
}

/** Statistics and verdict of one slice, before Holm adjustment (p_holm is filled in across slices). */
export function sliceResult(all: MeasureTable, ctx: SliceContext): SliceResult & { p_raw: number | null } {
  const items = sliceColumns(all, ctx.slice, ctx.itemCalibration);
  const { scores, judgeErrors, itemErrors } = items;
  const { min, max_drop, min_items } = ctx.threshold;
  const reasons: string[] = [];
  let verdict: Verdict = 'pass';
  const review = (r: string): void => {
    if (verdict === 'pass') verdict = 'review';
    reasons.push(r);
  };
  // Where the judge is not trusted, its scores cannot fail a slice either: review.
  const cal = ctx.calibration;
  const untrusted = cal?.source
    ? cal.rho === null
      ? `too few usable anchors (${cal.n}) to trust the judge here`
      : cal.rho < ctx.minCalibration
        ? `judge calibration ρ ${cal.rho.toFixed(2)} < min_calibration ${ctx.minCalibration}`
        : null
    : null;
  const fail = (r: string): void => {
    if (untrusted) {
      review(`${r} (not conclusive: the judge is not trusted here)`);
      return;
    }
    verdict = 'fail';
    reasons.push(r);
  };

  const score = scores.length ? mean(scores) : null;
  const ci = scores.length >= 2 ? meanInterval(scores) : null;
  const { pairedCandidate: pc, pairedBaseline: pb } = items;
  const diffs = pc.map((v, j) => v - pb[j]!);
  const hasBaseline = pc.length > 0;
  const baselineScore = hasBaseline ? mean(pb) : null;
  const delta = hasBaseline ? mean(diffs) : null;
  const boot = pc.length >= 2 ? pairedBootstrapMeanDiff(pc, pb) : null;
  const ni = pc.length >= 2 && max_drop !== null ? nonInferiority(pc, pb, max_drop) : null;

  if (score === null) review('no item of this slice was scored');
  if (score !== null && min !== null && score < min) fail(`score ${score.toFixed(2)} < min ${min.toFixed(2)}`);
  if (delta !== null && max_drop !== null && -delta > max_drop)
    fail(`drop ${(-delta).toFixed(2)} from baseline > max_drop ${max_drop.toFixed(2)}`);
  if (scores.length < min_items) review(`${scores.length} scored items < min_items ${min_items}`);
  if (ni && !ni.nonInferior && !(delta !== null && max_drop !== null && -delta > max_drop)) {
    review(`the interval cannot rule out a drop over ${max_drop} (lower bound ${ni.lowerBound.toFixed(3)})`);
  }
  if (items.n > 0 && judgeErrors / items.n > 0.1) review(`${judgeErrors} of ${items.n} items had judge errors (> 10%)`);
  if (untrusted) review(untrusted);

  return {
    slice: ctx.slice,
    n: scores.length,
    score: round(score),
    ci: ci ? pair(ci.lower, ci.upper) : null,
    min,
    baseline_score: round(baselineScore),
    delta: round(delta),
    calibration: round(cal?.rho ?? null),
    judge_errors: judgeErrors,
    verdict,
    reasons,
    delta_ci: boot ? pair(boot.lower, boot.upper) : null,
    max_drop,
    min_items,
    non_inferior: ni ? ni.nonInferior : null,
    p_holm: null,
    p_raw: hasBaseline ? pDrop(diffs) : null,
    calibration_ci: cal?.ci ? pair(cal.ci[0], cal.ci[1]) : null,
    calibration_source: cal?.source ?? null,
    item_errors: itemErrors,
    ppi: ppiFor(items, ctx.humanScale),
  };
}
