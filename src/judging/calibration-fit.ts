import { bonettWrightInterval, isotonicMap, spearman } from '../stats/index.js';
import type { JudgeResult } from './judge.js';
import { inSubtree, ROOT_SLICE, sliceChain } from '../kernel/slice-tree.js';

/** An anchor with the judge's result on its output. */
export interface ScoredAnchor {
  readonly slice: string;
  readonly humanScore: number;
  readonly result: JudgeResult;
}

/** How the judge is calibrated for one slice. */
export interface SliceCalibration {
  /** The slice whose anchors (its own and its descendants') were used; '*' is all anchors; null: none usable. */
  readonly source: string | null;
  /** Anchors the judge scored (judge errors excluded). */
  readonly n: number;
  /** Spearman ρ between judge and human scores; null when n < 4 or either side is constant. */
  readonly rho: number | null;
  /** Bonett–Wright 95% interval for ρ. */
  readonly ci: readonly [number, number] | null;
  /** Anchors on which the judge returned an error. */
  readonly judgeErrors: number;
  /** Judge score in [0, 1] → calibrated score in [0, 1]: the isotonic fit to human scores, or the identity without anchors. */
  readonly map: (score: number) => number;
}

export interface Calibration {
  /** The human scale used to rescale human scores to [0, 1], null when there is none (no anchors, or all equal). */
  readonly humanScale: readonly [number, number] | null;
  forSlice(slice: string): SliceCalibration;
}

export interface FitOptions {
  /**
   * The scale the human scores are on (the gate passes the judge's declared `human_scale`, default its
   * `scale`). Without it, the lowest and highest human_score among the anchors stand in, which distorts a
   * judge whose anchors do not reach both ends of the scale.
   */
  readonly humanScale?: readonly [number, number];
  /** Scored anchors a slice needs to use its own calibration rather than an ancestor's (default 1). */
  readonly minAnchors?: number;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));
const identity = (score: number): number => clamp01(score);
const MIN_RHO_N = 4;

function humanScaleOf(
  anchors: readonly ScoredAnchor[],
  given?: readonly [number, number],
): readonly [number, number] | null {
  if (given) return given[0] < given[1] ? given : null;
  if (anchors.length === 0) return null;
  const scores = anchors.map((a) => a.humanScore);
  const low = Math.min(...scores);
  const high = Math.max(...scores);
  return low < high ? [low, high] : null;
}

function fitGroup(
  source: string,
  group: readonly ScoredAnchor[],
  scale: readonly [number, number] | null,
): SliceCalibration {
  const judge: number[] = [];
  const human: number[] = [];
  for (const a of group) {
    if (!a.result.ok) continue;
    judge.push(a.result.score);
    human.push(a.humanScore);
  }
  const n = judge.length;
  const judgeErrors = group.length - n;
  const varies = (xs: number[]): boolean => xs.some((x) => x !== xs[0]);
  let rho: number | null = null;
  let ci: readonly [number, number] | null = null;
  if (n >= MIN_RHO_N && varies(judge) && varies(human)) {
    rho = spearman(judge, human).rho;
    const interval = bonettWrightInterval(rho, n);
    ci = [interval.lower, interval.upper];
  }
  let map = identity;
  if (scale && n > 0) {
    const fit = isotonicMap(
      judge,
      human.map((h) => (h - scale[0]) / (scale[1] - scale[0])),
    );
    map = (score: number): number => clamp01(fit.predict(score));
  }
  return { source, n, rho, ci, judgeErrors, map };
}

/**
 * Fits a calibration from anchors the judge has scored. A slice's anchors are
 * those of the slice and its descendants (the root '*' pools them all); a
 * slice with fewer than `minAnchors` scored anchors uses its nearest ancestor
 * that has them. Pure.
 */
export function fitCalibration(scored: readonly ScoredAnchor[], opts: FitOptions = {}): Calibration {
  const minAnchors = opts.minAnchors ?? 1;
  const humanScale = humanScaleOf(scored, opts.humanScale);
  const fits = new Map<string, SliceCalibration>();
  const fitFor = (source: string): SliceCalibration => {
    let fit = fits.get(source);
    if (!fit) {
      fit = fitGroup(
        source,
        scored.filter((a) => inSubtree(a.slice, source)),
        humanScale,
      );
      fits.set(source, fit);
    }
    return fit;
  };
  return {
    humanScale,
    forSlice(slice: string): SliceCalibration {
      for (const source of sliceChain(slice)) {
        const fit = fitFor(source);
        if (fit.n >= minAnchors && fit.n > 0) return fit;
      }
      const root = fitFor(ROOT_SLICE);
      return { source: null, n: 0, rho: null, ci: null, judgeErrors: root.judgeErrors, map: identity };
    },
  };
}
