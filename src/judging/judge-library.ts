import type { JudgeResult } from './judge.js';

/**
 * The judge library's version. It is part of every judge's digest: changing how
 * a judge decides a score (a prompt, a phrase list, a normalization) means
 * bumping it, so cached scores from the old behaviour are never reused.
 */
export const JUDGE_LIBRARY = 'sluice-judges/1';

/** A judge error: reported for the item, never counted as a score. */
export function judgeError(message: string): JudgeResult {
  return { ok: false, code: 'judge_error', message };
}

/** A detector's verdict: score 0 when it flagged the answer, 1 otherwise. */
export function detectorResult(flagged: boolean, reason?: string): JudgeResult {
  return reason === undefined
    ? { ok: true, score: flagged ? 0 : 1, flagged }
    : { ok: true, score: flagged ? 0 : 1, flagged, reason };
}

/** A pass/fail score (1 or 0) with an optional explanation. */
export function binaryResult(pass: boolean, reason?: string): JudgeResult {
  return reason === undefined ? { ok: true, score: pass ? 1 : 0 } : { ok: true, score: pass ? 1 : 0, reason };
}

/** The message of anything thrown, for a judge error. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
