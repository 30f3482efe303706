import type { AnswerScore } from '../../judging/score.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';

/**
 * One sampled production answer after judging: what the observer's windows
 * aggregate. `quality` is the quality judge's score in [0, 1], or null when
 * there is none (a judge error, or the judge was not called); `judgeError`
 * says the quality judge was called and failed. `flags` holds one entry per
 * detector that ran on the answer (true when it flagged it); a detector
 * that did not run, or failed, has no entry.
 */
export interface ScoredSample {
  /** When the request arrived, epoch ms: decides the sample's window. */
  readonly at: number;
  readonly route: string;
  readonly release: ReleaseId;
  /** The request's slice, or `*` when it named none. */
  readonly slice: string;
  readonly quality: number | null;
  readonly judgeError: boolean;
  readonly flags: Readonly<Record<string, boolean>>;
}

/**
 * A ScoredSample from the answer's score (see judging/score.ts): `quality`
 * is the quality judge's score, `judgeError` whether it failed, and `flags`
 * the detectors' flags by the one rule the gate uses too.
 */
export function scoredSample(
  base: { readonly at: number; readonly route: string; readonly release: ReleaseId; readonly slice: string },
  scored: AnswerScore,
): ScoredSample {
  return {
    at: base.at,
    route: base.route,
    release: base.release,
    slice: base.slice,
    quality: scored.score,
    judgeError: scored.judgeError !== null,
    flags: scored.flags,
  };
}
