import { normalMixtureRho, sequenceRadius } from '../../stats/confidence-sequence.js';
import { normalQuantile } from '../../stats/normal.js';
import { MIN_QUALITY_SCORES } from './monitors.js';

/** Judged-score standard deviation assumed when sizing `quality_samples` (scores in [0, 1]). */
export const PLANNED_QUALITY_SD = 0.25;
/** Power the default `quality_samples` gives against a drop of twice quality_drop. */
export const QUALITY_POWER = 0.9;

/**
 * Judged canary answers per step that give the quality monitor power
 * QUALITY_POWER to fail a drop of 2 × maxDrop (a drop twice the margin) and
 * to pass no drop at all, at judged-score sd PLANNED_QUALITY_SD.
 */
export function defaultQualitySamples(maxDrop: number, alpha: number): number {
  if (!(maxDrop > 0)) return 1000;
  const z = normalQuantile(QUALITY_POWER);
  for (let n = MIN_QUALITY_SCORES; n < 100_000; n++) {
    const se = PLANNED_QUALITY_SD / Math.sqrt(n);
    if (sequenceRadius(se, n, normalMixtureRho(n, alpha), alpha) + z * se <= maxDrop) return n;
  }
  return 100_000;
}
