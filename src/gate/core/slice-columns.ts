import { inSubtree } from '../../kernel/slice-tree.js';
import type { SliceCalibration } from '../../judging/calibration.js';
import type { MeasureTable } from './measure-table.js';

/** The numbers one slice's statistics use, in item order, read from the table in one pass. */
export interface SliceColumns {
  /** Items of the slice (its subtree). */
  readonly n: number;
  /** Calibrated candidate scores of the scored items. */
  readonly scores: number[];
  /** Calibrated (candidate, baseline) of the items where both are scored. */
  readonly pairedCandidate: number[];
  readonly pairedBaseline: number[];
  /** Human score and calibrated candidate score of the scored items a human scored. */
  readonly human: number[];
  readonly judgeOnHuman: number[];
  /** Calibrated candidate scores of the scored items no human scored. */
  readonly judgeOnly: number[];
  readonly judgeErrors: number;
  readonly itemErrors: number;
}

/**
 * The items of `slice`'s subtree, each score calibrated by its own slice's
 * calibration (looked up once per distinct slice, not per item).
 */
export function sliceColumns(
  t: MeasureTable,
  slice: string,
  itemCalibration: (slice: string) => SliceCalibration | null,
): SliceColumns {
  const inside = t.slices.map((s) => inSubtree(s, slice));
  const cals = t.slices.map((s) => itemCalibration(s));
  const out = {
    n: 0,
    scores: [] as number[],
    pairedCandidate: [] as number[],
    pairedBaseline: [] as number[],
    human: [] as number[],
    judgeOnHuman: [] as number[],
    judgeOnly: [] as number[],
    judgeErrors: 0,
    itemErrors: 0,
  };
  const { candidate: c, baseline: b } = t;
  for (let i = 0; i < t.length; i++) {
    const k = t.sliceOf[i]!;
    if (!inside[k]) continue;
    out.n++;
    out.judgeErrors += c.judgeError[i]!;
    out.itemErrors += c.error[i]!;
    if (!c.scored[i]) continue;
    const cal = cals[k];
    const score = cal ? cal.map(c.score[i]!) : c.score[i]!;
    out.scores.push(score);
    if (t.hasBaseline[i] && b.scored[i]) {
      out.pairedCandidate.push(score);
      out.pairedBaseline.push(cal ? cal.map(b.score[i]!) : b.score[i]!);
    }
    const h = t.human[i]!;
    if (Number.isNaN(h)) out.judgeOnly.push(score);
    else {
      out.human.push(h);
      out.judgeOnHuman.push(score);
    }
  }
  return out;
}
