import type { Anchor } from './anchors.js';
import { fitCalibration, type Calibration, type FitOptions, type ScoredAnchor } from './calibration-fit.js';
import type { Judge, JudgeResult } from './judge.js';
import { errorMessage, judgeError } from './judge-library.js';
import { mapLimit } from '../kernel/map-limit.js';

export type { Calibration, FitOptions, ScoredAnchor, SliceCalibration } from './calibration-fit.js';
export { fitCalibration } from './calibration-fit.js';

export interface CalibrateOptions extends FitOptions {
  /** Anchors scored at once (default 8). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

/** The judge's results on the anchors' outputs, in anchor order; a judge that throws counts as a judge error. */
export async function scoreAnchors(
  judge: Judge,
  anchors: readonly Anchor[],
  opts: CalibrateOptions = {},
): Promise<ScoredAnchor[]> {
  return mapLimit(anchors, opts.concurrency ?? 8, async (a) => {
    let result: JudgeResult;
    try {
      result = await judge.score({
        input: a.input,
        output: a.output,
        reference: a.reference,
        slice: a.slice,
        signal: opts.signal,
      });
    } catch (e) {
      result = judgeError(errorMessage(e));
    }
    return { slice: a.slice, humanScore: a.humanScore, result };
  });
}

/**
 * Calibrates a judge against human-rated anchors: the judge scores every
 * anchor's output (the only I/O), then per slice Spearman ρ with its
 * Bonett–Wright interval and an isotonic map from judge score to human score
 * are fitted (see fitCalibration).
 */
export async function calibrate(
  judge: Judge,
  anchors: readonly Anchor[],
  opts: CalibrateOptions = {},
): Promise<Calibration> {
  return fitCalibration(await scoreAnchors(judge, anchors, opts), opts);
}
