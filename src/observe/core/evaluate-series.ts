import type { SluiceConfig } from '../../config/sluice-schema.js';
import { detectorCeilingsFromConfig, evaluateWindow, type BandSpec, type WindowEvaluation } from './band.js';
import { advanceDrift, type DriftSpec, type DriftState, initialDriftState } from './drift-detector.js';
import type { WindowAggregate } from './windows.js';

/**
 * One series (route, release, slice) of completed windows, oldest first,
 * through the drift detector and the band: each window's evaluation carries
 * the detector's reading at its end, and the band's drop rule compares against
 * the detector's production reference. `state` carries the detector across
 * calls (windows already folded in must not be passed again).
 */
export function evaluateSeries(
  windows: readonly WindowAggregate[],
  band: Omit<BandSpec, 'reference'>,
  drift: DriftSpec,
  state: DriftState = initialDriftState(),
  /** With drift.referenceFrom 'holdback': the held-back previous stable's judged scores in the window starting at `start`. */
  referenceScores: (start: number) => readonly number[] = () => [],
): { evaluations: WindowEvaluation[]; state: DriftState } {
  const evaluations: WindowEvaluation[] = [];
  let s = state;
  for (const w of windows) {
    const window = {
      start: w.start,
      scores: w.scores,
      detectors: w.detectors,
      referenceScores: referenceScores(w.start),
    };
    const next = advanceDrift(s, window, drift);
    s = next.state;
    const e = evaluateWindow(w, { ...band, reference: next.reading.reference?.mean ?? null });
    evaluations.push({ ...e, drift: next.reading });
  }
  return { evaluations, state: s };
}

/** The drift detector's spec from sluice.yaml (the detectors' ceilings as the band takes them). */
export function driftSpecFromConfig(
  config: Pick<SluiceConfig, 'gate' | 'judges' | 'observe'>,
  referenceFrom: 'own' | 'holdback' = 'own',
): DriftSpec {
  return {
    referenceFrom,
    minQuality: config.observe.min_quality,
    minDrop: config.observe.min_drop,
    arl0: config.observe.arl0,
    referenceSamples: config.observe.reference_samples,
    consecutive: config.observe.consecutive,
    detectorCeilings: detectorCeilingsFromConfig(config),
  };
}
