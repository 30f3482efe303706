import { describe, expect, it } from 'vitest';
import { cusumArl } from '../../stats/index.js';
import {
  advanceDrift,
  type DriftReading,
  type DriftSpec,
  type DriftState,
  type DriftWindow,
  initialDriftState,
  persisted,
} from './drift-detector.js';

const spec: DriftSpec = {
  minQuality: 0.6,
  minDrop: 0.1,
  arl0: 300_000,
  referenceSamples: 96,
  consecutive: 3,
  detectorCeilings: { refusal: 0.1, dates: 0.005 },
};

/** A window of n answers alternating mean ± 0.15 (sd ≈ 0.15), `flags` of them flagged per detector. */
function win(i: number, n: number, mean: number, flags: Record<string, number> = {}): DriftWindow {
  const scores = Array.from({ length: n }, (_, j) => Math.min(1, Math.max(0, mean + (j % 2 ? 0.15 : -0.15))));
  const detectors: Record<string, { flagged: number; checked: number }> = {};
  for (const d of ['refusal', 'dates']) detectors[d] = { flagged: flags[d] ?? 0, checked: n };
  return { start: i * 60_000, scores, detectors };
}

function run(windows: readonly DriftWindow[], s: DriftSpec = spec): { readings: DriftReading[]; state: DriftState } {
  let state = initialDriftState();
  const readings: DriftReading[] = [];
  for (const w of windows) {
    const r = advanceDrift(state, w, s);
    state = r.state;
    readings.push(r.reading);
  }
  return { readings, state };
}

const firstRollback = (rs: readonly DriftReading[]): number => rs.findIndex((r) => r.rollback !== null);
const stream = (r: DriftReading, name: string) => r.streams.find((s) => s.name === name)!;

describe('the drift detector', () => {
  it('with a holdback, measures the reference on the previous stable’s answers: a release worse from its first answer is rolled back', () => {
    // The promoted release scores 0.68 from its very first answer; the previous stable, held back, 0.8.
    const windows = Array.from({ length: 12 }, (_, i) => ({
      ...win(i, 24, 0.68),
      referenceScores: win(i, 24, 0.8).scores,
    }));
    const held = run(windows, { ...spec, minQuality: 0.5, referenceFrom: 'holdback' });
    expect(held.readings[3]!.reference).toMatchObject({ mean: expect.closeTo(0.8, 12), n: 96 });
    expect(held.readings[3]!.referenceFrom).toBe('holdback');
    const at = firstRollback(held.readings);
    // The reference completes in the fourth window, whose own answers already count; the drop then persists 3 windows.
    expect(at).toBeGreaterThanOrEqual(5);
    expect(at).toBeLessThanOrEqual(7);
    expect(held.readings[at]!.rollback!.name).toBe('quality-drop');
    // Its own first answers as the reference would hide the drop: nothing to compare with but itself.
    const own = run(windows, { ...spec, minQuality: 0.5 });
    expect(own.readings[3]!.reference!.mean).toBeCloseTo(0.68, 12);
    expect(own.readings.every((r) => r.rollback === null)).toBe(true);
  });

  it('measures its reference from the release’s own first answers and stays quiet while nothing changes', () => {
    const { readings } = run(Array.from({ length: 200 }, (_, i) => win(i, 24, 0.8)));
    expect(readings[2]!.reference).toBeNull();
    expect(stream(readings[2]!, 'quality-drop').status).toBe('inconclusive');
    expect(readings[3]!.reference).toMatchObject({ mean: expect.closeTo(0.8, 12), n: 96 });
    expect(readings[3]!.reference!.sd).toBeCloseTo(0.15, 2);
    expect(readings.every((r) => r.rollback === null)).toBe(true);
    expect(stream(readings.at(-1)!, 'quality-drop').status).toBe('ok');
    // The threshold is the one Siegmund's approximation gives for arl0 at k = minDrop / 2σ.
    const drop = stream(readings.at(-1)!, 'quality-drop');
    expect(cusumArl(drop.k!, drop.threshold!)).toBeCloseTo(300_000, 0);
  });

  it('rolls back a sustained 10-point drop below the reference once it has lasted `consecutive` windows', () => {
    const healthy = Array.from({ length: 10 }, (_, i) => win(i, 24, 0.8));
    const dropped = Array.from({ length: 10 }, (_, i) => win(10 + i, 24, 0.7));
    const { readings } = run([...healthy, ...dropped]);
    const at = firstRollback(readings);
    expect(at).toBeGreaterThanOrEqual(12); // never before the third window of the drop
    expect(at).toBeLessThanOrEqual(14);
    const rb = readings[at]!.rollback!;
    expect(rb.name).toBe('quality-drop');
    expect(rb.statistic).toBeGreaterThan(rb.threshold!);
    expect(rb.since).toBe(10 * 60_000);
    expect(rb.recent).toHaveLength(3);
    // Above the floor all along: the gate score or min_quality would never have seen it.
    expect(stream(readings[at]!, 'quality-floor').status).not.toBe('rollback');
  });

  it('rolls back a release bad from its first answer on the min_quality floor, before any reference', () => {
    const { readings } = run(Array.from({ length: 5 }, (_, i) => win(i, 19, 0.1, { refusal: 19 })));
    expect(firstRollback(readings)).toBe(2);
    expect(readings[2]!.reference).toBeNull();
    expect(readings[2]!.rollback!.name).toMatch(/^(quality-floor|detector:refusal)$/);
    expect(stream(readings[2]!, 'quality-floor').status).toBe('rollback');
    expect(stream(readings[2]!, 'detector:refusal').status).toBe('rollback');
  });

  it('watches a low-traffic route: three answers a window, empty windows between, neither reset nor block', () => {
    const ws: DriftWindow[] = [];
    for (let i = 0; i < 12; i++) ws.push(i % 2 ? { start: i * 60_000, scores: [], detectors: {} } : win(i, 3, 0.3));
    const { readings } = run(ws);
    const at = firstRollback(readings);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThanOrEqual(8);
    expect(readings[at]!.rollback!.recent.map((w) => w.start / 60_000)).toEqual([at - 4, at - 2, at]);
  });

  it('alarms on a transient dip but does not roll back', () => {
    const ws = Array.from({ length: 30 }, (_, i) => win(i, 24, i === 10 ? 0.1 : 0.8));
    const { readings } = run(ws);
    expect(firstRollback(readings)).toBe(-1);
    expect(readings.some((r) => r.streams.some((s) => s.status === 'alarm'))).toBe(true);
  });

  it('rolls back invented dates over their ceiling while quality still looks fine', () => {
    const ws = Array.from({ length: 6 }, (_, i) => win(i, 20, 0.8, { dates: 12 }));
    const { readings } = run(ws);
    expect(firstRollback(readings)).toBe(2);
    expect(readings[2]!.rollback!.name).toBe('detector:dates');
    expect(readings[2]!.rollback!.threshold).toBeCloseTo(Math.log(300_000), 12);
  });

  it('does not alarm on a detector at its ceiling', () => {
    const ws = Array.from({ length: 40 }, (_, i) => win(i, 20, 0.8, { refusal: i % 2 ? 2 : 2 }));
    const { readings } = run(ws);
    expect(readings.every((r) => stream(r, 'detector:refusal').status !== 'rollback')).toBe(true);
  });

  it('takes a drop that lasts one window for a rollback only with consecutive = 1', () => {
    const ws = [...Array.from({ length: 4 }, (_, i) => win(i, 24, 0.8)), win(4, 24, 0.1)];
    expect(firstRollback(run(ws, { ...spec, consecutive: 1 }).readings)).toBe(4);
    expect(firstRollback(run(ws).readings)).toBe(-1);
  });

  it('persists only when the newest window still drops and no single window carries the run', () => {
    const w = (increment: number, i = 0) => ({ start: i, increment });
    expect(persisted([w(5), w(5), w(5)], 3)).toBe(true);
    expect(persisted([w(5), w(5)], 3)).toBe(false);
    expect(persisted([w(90), w(-3), w(1)], 3)).toBe(false);
    expect(persisted([w(5), w(5), w(-1)], 3)).toBe(false);
    expect(persisted([w(-1), w(5), w(5)], 3)).toBe(true);
    expect(persisted([w(1)], 1)).toBe(true);
  });

  it('validates its spec', () => {
    const w = win(0, 5, 0.8);
    expect(() => advanceDrift(initialDriftState(), w, { ...spec, minDrop: 0 })).toThrow(/minDrop/);
    expect(() => advanceDrift(initialDriftState(), w, { ...spec, arl0: 1 })).toThrow(/arl0/);
    expect(() => advanceDrift(initialDriftState(), w, { ...spec, consecutive: 0 })).toThrow(/consecutive/);
    expect(() => advanceDrift(initialDriftState(), w, { ...spec, referenceSamples: 1 })).toThrow(/referenceSamples/);
  });
});
