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

export interface ItemMeasure {
  readonly item: SuiteItem;
  readonly candidate: ArmMeasure;
  readonly baseline: ArmMeasure | null;
}
