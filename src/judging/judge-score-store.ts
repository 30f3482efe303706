import type { JudgeResult } from './judge.js';

/** A judge's successful result, as the score cache keeps it. */
export type StoredJudgeResult = Extract<JudgeResult, { ok: true }>;

/** A fresh score waiting to be stored: the content's digest (see scoreSubject) and the result. */
export interface ScoreRow {
  readonly subject: string;
  readonly result: StoredJudgeResult;
}

/**
 * Judges' scores cached by judge digest and subject, shared by the gate,
 * replay and anyone scoring with the same judge. Reads name the subjects a
 * run needs, never a judge's whole history.
 */
export interface JudgeScoreStore {
  /** The stored results of the given subjects (those the judge has scored and that read back as results), by subject. */
  judgeScores(judgeDigest: string, subjects: readonly string[]): Promise<Map<string, StoredJudgeResult>>;
  /** Stores results; a subject already stored for the judge keeps its result. */
  putJudgeScores(judgeDigest: string, rows: readonly ScoreRow[]): Promise<void>;
}
