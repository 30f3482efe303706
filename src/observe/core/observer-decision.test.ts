import { describe, expect, it } from 'vitest';
import { decisionToStatement } from '../../audit/ledger/decision.js';
import { canonicalBytes } from '../../kernel/canonical-json.js';
import type { BandSpec, WindowEvaluation, WindowStatus } from './band.js';
import type { DriftSpec } from './drift-detector.js';
import { evaluateSeries } from './evaluate-series.js';
import { decide, decideRelease, observeRollbackDecision, observeRollbackKey, OBSERVER } from './observer-decision.js';
import {
  CANDIDATE,
  ROUTE,
  samplesFor,
  STABLE,
  T0,
  WINDOW_MS,
  WINDOW_SECONDS,
  type WindowPlan,
} from './test-support/fixtures.js';
import { aggregateWindows, completedWindows, fillSeries } from './windows.js';

const spec: BandSpec = {
  minQuality: 0.6,
  qualityDrop: 0.05,
  detectorCeilings: { refusal: 0.1, dates: 0.005 },
};
const CONSECUTIVE = 3;
const drift: DriftSpec = {
  minQuality: 0.6,
  minDrop: 0.1,
  arl0: 300_000,
  referenceSamples: 400,
  consecutive: CONSECUTIVE,
  detectorCeilings: { refusal: 0.1, dates: 0.005 },
};

/** The evaluated series of one slice over `count` windows from T0 (every window, empty ones included). */
function evaluate(
  samples: ReturnType<typeof samplesFor>,
  count: number,
  slice = '*',
  s: BandSpec = spec,
): WindowEvaluation[] {
  const end = T0 + count * WINDOW_MS;
  const windows = completedWindows(aggregateWindows(samples, WINDOW_SECONDS), end);
  const series = fillSeries(windows, { route: ROUTE, release: STABLE, slice }, T0, end, WINDOW_SECONDS);
  return evaluateSeries(series, s, drift).evaluations;
}

/** Plans → samples → windows → the evaluated `*` series. */
function history(plans: readonly WindowPlan[]): WindowEvaluation[] {
  return evaluate(samplesFor(plans), plans.length);
}

const healthy: WindowPlan = { n: 40, quality: (i) => (i % 2 ? 0.8 : 0.9) };
/** #9: a safety tune hedges ("consult an attorney"): quality 0.3, the refusal detector fires, latency untouched. */
const hedging: WindowPlan = { n: 40, quality: 0.3, flagged: { refusal: 20 } };
const thin: WindowPlan = { n: 5, quality: 0.3 };
const thinHealthy: WindowPlan = { n: 5, quality: (i) => (i % 2 ? 0.8 : 0.9) };
const judgeDown: WindowPlan = { n: 5, quality: 0.85, judgeErrors: 35 };

/** A bare evaluation with a given status, for the run rules. */
function ev(i: number, status: WindowStatus): WindowEvaluation {
  return {
    route: ROUTE,
    release: STABLE,
    slice: '*',
    start: T0 + i * WINDOW_MS,
    end: T0 + (i + 1) * WINDOW_MS,
    samples: 30,
    n: 30,
    meanQuality: status === 'breach' ? 0.3 : 0.85,
    meanCi: null,
    judgeErrors: 0,
    judgeErrorShare: 0,
    detectors: {},
    status,
    reasons: status === 'ok' ? [] : [`${status} reason`],
  };
}
const seq = (...statuses: WindowStatus[]) => statuses.map((s, i) => ev(i, s));

describe('decide: failure #9, a hedging release', () => {
  it('rolls back after three breaching windows in a row, with the window series for the receipt', () => {
    const h = history([healthy, healthy, hedging, hedging, hedging]);
    expect(h.map((w) => w.status)).toEqual(['ok', 'ok', 'breach', 'breach', 'breach']);
    const d = decide(h, CONSECUTIVE);
    expect(d.action).toBe('rollback');
    expect(d.run).toBe(3);
    expect(d.reason).toMatch(/CUSUM [\d.]+ > threshold [\d.]+ on route legal \(drop since 2026-03-02T00:02:00.000Z/);
    expect(d.reason).toContain('consecutive = 3');
    expect(d.detector!.statistic).toBeGreaterThan(d.detector!.threshold!);
    expect(d.series.map((p) => ({ ...p, mean: Number(p.mean!.toFixed(12)) }))).toEqual(
      [2, 3, 4].map((i) => ({
        start: T0 + i * WINDOW_MS,
        end: T0 + (i + 1) * WINDOW_MS,
        n: 40,
        mean: 0.3,
        detectors: { dates: 0, refusal: 0.5 },
        status: 'breach',
      })),
    );
  });

  it('does not roll back before the third window of the drop: it alerts', () => {
    const d = decide(history([healthy, hedging, hedging]), CONSECUTIVE);
    expect(d).toMatchObject({ action: 'alert', run: 2 });
    expect(d.reason).toContain('not yet persisted over 3 windows');
    expect(d.series).toHaveLength(1);
  });

  it('does not roll back a dip of two windows that recovers', () => {
    const plans = [healthy, hedging, hedging, healthy, healthy, healthy, healthy, healthy];
    const d = decide(history(plans), CONSECUTIVE);
    expect(d).toMatchObject({ action: 'none', run: 0, reason: 'within band' });
    // At no point along the way either: the dip alerts, it never rolls back.
    const actions = plans.map((_, k) => decide(history(plans.slice(0, k + 1)), CONSECUTIVE).action);
    expect(actions).not.toContain('rollback');
    expect(actions).toContain('alert');
  });
});

describe('decide: failure #10, invented dates', () => {
  it('rolls back when the date detector stays over its ceiling with quality still fine', () => {
    const dates: WindowPlan = { n: 40, quality: 0.85, flagged: { dates: 3 } };
    const d = decide(history([healthy, dates, dates, dates]), CONSECUTIVE);
    expect(d.action).toBe('rollback');
    expect(d.detector!.name).toBe('detector:dates');
    expect(d.reason).toContain('detector dates flag rate over its ceiling 0.5%');
    expect(d.series.map((p) => p.detectors['dates'])).toEqual([0.075, 0.075, 0.075]);
  });
});

describe('decide: windows without evidence', () => {
  it('alerts on insufficient windows of a healthy release', () => {
    const h = history([thinHealthy, thinHealthy, thinHealthy, thinHealthy, thinHealthy, thinHealthy]);
    expect(h.every((w) => w.status === 'insufficient')).toBe(true);
    const d = decide(h, CONSECUTIVE);
    expect(d.action).toBe('alert');
    expect(d.reason).toContain('insufficient: 5 scored answers < min_samples 20');
    expect(d.series).toHaveLength(1);
  });

  it('rolls back on thin windows once their evidence has accumulated: a thin window no longer blocks', () => {
    const h = history([thin, thin, thin, thin, thin, thin]);
    expect(h.every((w) => w.status === 'insufficient')).toBe(true);
    const d = decide(h, CONSECUTIVE);
    expect(d.action).toBe('rollback');
    expect(d.detector!.name).toBe('quality-floor');
  });

  it('alerts when the judge is failing, and never rolls back on it', () => {
    const h = history([healthy, judgeDown, judgeDown, judgeDown, judgeDown]);
    expect(h.slice(1).every((w) => w.status === 'judge_failing')).toBe(true);
    const d = decide(h, CONSECUTIVE);
    expect(d.action).toBe('alert');
    expect(d.reason).toMatch(/judge failing: 35 of 40 judge calls failed/);
  });

  it('treats an empty window (no traffic) as insufficient', () => {
    const h = history([healthy, { n: 0, quality: 0 }]);
    expect(h[1]!.status).toBe('insufficient');
    expect(decide(h, CONSECUTIVE).action).toBe('alert');
  });

  it('lets an empty window neither extend nor end a run', () => {
    const empty: WindowPlan = { n: 0, quality: 0 };
    expect(decide(history([hedging, hedging, empty]), 3).action).toBe('alert');
    const d = decide(history([hedging, hedging, empty, hedging]), 3);
    expect(d).toMatchObject({ action: 'rollback', run: 3 });
    expect(d.series.map((p) => p.status)).toEqual(['breach', 'breach', 'insufficient', 'breach']);
    expect(decide(history([hedging, hedging, empty, healthy, healthy, hedging]), 3).action).not.toBe('rollback');
  });

  it('catches a sustained drop on a thin route, where windows alternate with thin ones', () => {
    const d = decide(history([hedging, thin, hedging, thin, hedging]), CONSECUTIVE);
    expect(d.action).toBe('rollback');
    expect(d.series.map((p) => p.n)).toEqual([40, 5, 40]);
  });
});

describe('decide: idempotence and timing', () => {
  it('never emits a second rollback once the release was rolled back, nor alerts about it', () => {
    const h = history([hedging, hedging, hedging, thin]);
    expect(decide(h, CONSECUTIVE).action).toBe('rollback');
    expect(decide(h, CONSECUTIVE, { alreadyRolledBack: true })).toMatchObject({ action: 'none', series: [] });
    expect(
      decide(history([hedging, hedging, hedging, hedging, hedging]), CONSECUTIVE, { alreadyRolledBack: true }).action,
    ).toBe('none');
  });

  it('reaches the same rollback, with the same series, when it evaluates late', () => {
    const onTime = decide(history([healthy, hedging, hedging, hedging]), CONSECUTIVE);
    const late = decide(history([healthy, hedging, hedging, hedging, hedging, healthy, healthy]), CONSECUTIVE);
    expect(late).toEqual(onTime);
  });

  it('alerts once per window: lastAlertAt suppresses a repeat on the same history', () => {
    const h = seq('ok', 'insufficient');
    const first = decide(h, 3);
    expect(first.action).toBe('alert');
    const alertedAt = h[1]!.end + 5;
    expect(decide(h, 3, { lastAlertAt: alertedAt }).action).toBe('none');
    expect(decide([...h, ev(2, 'insufficient')], 3, { lastAlertAt: alertedAt }).action).toBe('alert');
  });

  it('says so when there is nothing to judge yet', () => {
    expect(decide([], 3)).toEqual({ action: 'none', reason: 'no completed windows yet', series: [], run: 0 });
  });

  it('rejects histories that are not one series, oldest first', () => {
    expect(() => decide([ev(1, 'ok'), ev(0, 'ok')], 3)).toThrow(/oldest first/);
    expect(() => decide([ev(0, 'ok'), { ...ev(1, 'ok'), slice: 'fr' }], 3)).toThrow(/another series/);
    expect(() => decide([ev(0, 'ok')], 0)).toThrow(/consecutive/);
  });
});

describe('decideRelease', () => {
  it('rolls back when one slice breaches while the route as a whole looks fine', () => {
    const contracts: WindowPlan = { n: 200, quality: (i) => (i % 2 ? 0.8 : 0.9), slice: 'legal/contracts' };
    const ip: WindowPlan = { n: 20, quality: 0.3, slice: 'legal/ip' };
    const samples = [...samplesFor([contracts, contracts, contracts]), ...samplesFor([ip, ip, ip])];
    const root = evaluate(samples, 3);
    expect(root.map((w) => w.status)).toEqual(['ok', 'ok', 'ok']);
    const d = decideRelease([root, evaluate(samples, 3, 'legal'), evaluate(samples, 3, 'legal/ip')], CONSECUTIVE);
    expect(d).toMatchObject({ action: 'rollback', slice: 'legal/ip' });
    expect(d.reason).toContain('slice legal/ip');
  });

  it('prefers the run that completed first, then the route as a whole', () => {
    const early = history([hedging, hedging, hedging, hedging]).map((w) => ({ ...w, slice: 'b' }));
    const late = history([healthy, hedging, hedging, hedging]).map((w) => ({ ...w, slice: 'a' }));
    expect(decideRelease([late, early], 3).slice).toBe('b');
    const sameTime = history([hedging, hedging, hedging]).map((w) => ({ ...w, slice: 'a' }));
    expect(decideRelease([sameTime, history([hedging, hedging, hedging])], 3).slice).toBe('*');
    expect(decideRelease([[], sameTime], 3).slice).toBe('a');
  });

  it('alerts when nothing breaches and some slice lacks evidence; none otherwise', () => {
    expect(
      decideRelease([seq('ok', 'ok'), seq('ok', 'insufficient').map((w) => ({ ...w, slice: 'fr' }))], 3),
    ).toMatchObject({
      action: 'alert',
      slice: 'fr',
    });
    expect(decideRelease([seq('ok')], 3).action).toBe('none');
    expect(decideRelease([], 3)).toMatchObject({ action: 'none', slice: '*' });
  });
});

describe('the observe-rollback receipt', () => {
  it('records the deciding run, signed as an observer decision with a fixed ledger key', () => {
    const d = decideRelease([history([healthy, hedging, hedging, hedging])], CONSECUTIVE);
    const at = T0 + 4 * WINDOW_MS + 1500;
    const receipt = observeRollbackDecision({
      route: ROUTE,
      release: STABLE,
      decision: d,
      consecutive: CONSECUTIVE,
      at,
      to: CANDIDATE,
    });
    expect(receipt).toMatchObject({
      kind: 'observe-rollback',
      subject: STABLE,
      actor: OBSERVER,
      route: ROUTE,
      why: [d.reason],
    });
    expect(receipt.at.getTime()).toBe(at);
    expect(receipt.what).toMatchObject({ slice: '*', consecutive: 3, to: CANDIDATE });
    const series = receipt.what!['series'] as { start: string; n: number; mean: number; status: string }[];
    expect(series.map((p) => [p.start, p.n, Number(p.mean.toFixed(12)), p.status])).toEqual([
      ['2026-03-02T00:01:00.000Z', 40, 0.3, 'breach'],
      ['2026-03-02T00:02:00.000Z', 40, 0.3, 'breach'],
      ['2026-03-02T00:03:00.000Z', 40, 0.3, 'breach'],
    ]);
    const statement = decisionToStatement(receipt);
    expect(statement.predicateType).toBe('https://sluice.dev/decision/observe-rollback/v1');
    expect(() => canonicalBytes(statement)).not.toThrow();
    expect(observeRollbackKey(ROUTE, STABLE)).toBe(`observe/legal/${STABLE}/rollback`);
  });

  it('refuses to write a receipt for anything but a rollback', () => {
    const d = decideRelease([seq('ok')], 3);
    expect(() =>
      observeRollbackDecision({ route: ROUTE, release: STABLE, decision: d, consecutive: 3, at: T0 }),
    ).toThrow(RangeError);
  });
});
