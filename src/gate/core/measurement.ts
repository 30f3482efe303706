import type { SuiteItem } from '../suite.js';

/** What one release did on one item. */
export interface ArmMeasure {
  /** The serving failure, when the call failed (then nothing else was measured). */
  readonly error: string | null;
  /** The judge's score in [0, 1] before calibration; null on a serving or judge error. */
  readonly score: number | null;
  readonly judgeError: string | null;
  /** Detector name → flagged, for detectors that could score the answer. */
  readonly flags: Readonly<Record<string, boolean>>;
  readonly latencyMs: number | null;
  readonly costUsd: number;
  readonly tokens: number;
}

/** What an arm measured when serving failed: the error, and nothing else. */
export function failedMeasure(error: string): ArmMeasure {
  return { error, score: null, judgeError: null, flags: {}, latencyMs: null, costUsd: 0, tokens: 0 };
}

export interface ItemMeasure {
  readonly item: SuiteItem;
  readonly candidate: ArmMeasure;
  readonly baseline: ArmMeasure | null;
}
