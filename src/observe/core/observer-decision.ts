import type { Decision } from '../../audit/ledger/decision.js';
import type { JsonValue } from '../../kernel/canonical-json.js';
import { ROOT_SLICE } from '../../kernel/slice-tree.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';
import type { WindowEvaluation, WindowStatus } from './band.js';

/**
 * What the observer does about one series of completed windows (one route,
 * release and slice, oldest first).
 *
 * Rules:
 *
 * - A run is a sequence of breaching windows with no `ok` window between
 *   them. An `ok` window ends the run. An `insufficient` or `judge_failing`
 *   window neither extends nor ends it: it carries no evidence about quality
 *   either way. Ending the run there would let a sustained drop escape
 *   whenever traffic is thin or the judge flaps (a breach, a thin window, two
 *   breaches… never three in a row); extending it would roll back on no
 *   evidence. So a rollback always rests on `consecutive` windows that
 *   actually breached, and the windows between them are shown in the series.
 * - Rollback when some run reaches `consecutive` breaching windows. The
 *   earliest such run decides, and its series runs from its first breach to
 *   the breach that completed it. The decision is a function of the recorded
 *   windows alone: an observer that evaluates late (after a restart, say)
 *   reaches the same rollback, with the same series, as one that evaluated
 *   on time — even if quality recovered in the meantime.
 * - A dip shorter than `consecutive` windows that recovers never rolls back.
 * - Alert when the newest window is `insufficient` or `judge_failing` (and
 *   there is no rollback); `lastAlertAt` suppresses an alert for a window
 *   that ended at or before the last alert, so a repeated evaluation of the
 *   same history alerts once.
 * - Idempotence: once the observer has rolled a release back on a route
 *   (`alreadyRolledBack`), nothing more is emitted for that series — no
 *   second rollback, and no alerts about the windows the release no longer
 *   fills. The receipt also carries a fixed key (`observeRollbackKey`) so
 *   the ledger appends it once even when a tick is replayed.
 *
 * The edge passes the windows since the release became stable on the route
 * (`completedWindows` in windows.ts keeps those that have ended).
 */

export type ObserverAction = 'none' | 'alert' | 'rollback';

/** One window as the receipt shows it. */
export interface SeriesPoint {
  readonly start: number;
  readonly end: number;
  readonly n: number;
  readonly mean: number | null;
  /** Flag rate per detector; null when the detector checked nothing. */
  readonly detectors: Readonly<Record<string, number | null>>;
  readonly status: WindowStatus;
}

export interface ObserverDecision {
  readonly action: ObserverAction;
  readonly reason: string;
  /** For a rollback: the deciding run. Otherwise the open run, or just the newest window. */
  readonly series: readonly SeriesPoint[];
  /** Breaching windows in the run `series` shows. */
  readonly run: number;
}

export interface DecideOptions {
  /** The observer already rolled this release back on this route. */
  readonly alreadyRolledBack?: boolean;
  /** When the observer last alerted about this series, epoch ms. */
  readonly lastAlertAt?: number;
}

export function seriesPoint(w: WindowEvaluation): SeriesPoint {
  const detectors: Record<string, number | null> = {};
  for (const [name, d] of Object.entries(w.detectors)) detectors[name] = d.rate;
  return { start: w.start, end: w.end, n: w.n, mean: w.meanQuality, detectors, status: w.status };
}

const iso = (ms: number): string => new Date(ms).toISOString();

function checkHistory(history: readonly WindowEvaluation[], consecutive: number): void {
  if (!Number.isSafeInteger(consecutive) || consecutive < 1)
    throw new RangeError(`consecutive must be an integer ≥ 1, got ${String(consecutive)}`);
  const first = history[0];
  for (let i = 1; i < history.length; i++) {
    const w = history[i]!;
    const prev = history[i - 1]!;
    if (w.route !== first!.route || w.release !== first!.release || w.slice !== first!.slice) {
      throw new RangeError(`history[${i}] belongs to another series (route, release, slice) than history[0]`);
    }
    if (!(w.start >= prev.end))
      throw new RangeError(`history[${i}] must start after history[${i - 1}] ends (oldest first, no overlap)`);
  }
}

function describeWhere(w: WindowEvaluation): string {
  return w.slice === ROOT_SLICE ? `route ${w.route}` : `route ${w.route}, slice ${w.slice}`;
}

export function decide(
  history: readonly WindowEvaluation[],
  consecutive: number,
  opts: DecideOptions = {},
): ObserverDecision {
  checkHistory(history, consecutive);
  const newest = history[history.length - 1];
  if (opts.alreadyRolledBack) {
    return { action: 'none', reason: 'the observer already rolled this release back', series: [], run: 0 };
  }
  if (!newest) return { action: 'none', reason: 'no completed windows yet', series: [], run: 0 };

  let runStart = -1;
  let run = 0;
  for (let i = 0; i < history.length; i++) {
    const w = history[i]!;
    if (w.status === 'ok') {
      runStart = -1;
      run = 0;
    } else if (w.status === 'breach') {
      if (run === 0) runStart = i;
      run++;
      if (run >= consecutive) {
        const runWindows = history.slice(runStart, i + 1);
        const reason =
          `${run} consecutive breaching windows on ${describeWhere(w)} ` +
          `(${iso(history[runStart]!.start)} to ${iso(w.end)}; consecutive = ${consecutive}): ${w.reasons.join('; ')}`;
        return { action: 'rollback', reason, series: runWindows.map(seriesPoint), run };
      }
    }
  }

  const openRun = runStart >= 0 ? history.slice(runStart) : [newest];
  const series = openRun.map(seriesPoint);
  if (
    (newest.status === 'insufficient' || newest.status === 'judge_failing') &&
    !(opts.lastAlertAt !== undefined && newest.end <= opts.lastAlertAt)
  ) {
    return {
      action: 'alert',
      reason: `${describeWhere(newest)}, window ${iso(newest.start)}: ${newest.reasons.join('; ')}`,
      series,
      run,
    };
  }
  const reason =
    run > 0
      ? `${run} breaching window${run === 1 ? '' : 's'} in the open run; ${consecutive} needed for a rollback`
      : newest.status === 'ok'
        ? 'within band'
        : `no breach; newest window ${newest.status}`;
  return { action: 'none', reason, series, run };
}

/** A series' decision, with the series it came from. */
export interface SliceDecision extends ObserverDecision {
  readonly slice: string;
}

const SEVERITY: Readonly<Record<ObserverAction, number>> = { none: 0, alert: 1, rollback: 2 };

/** When a rollback's run completed; 0 for other actions. */
const completedAt = (d: SliceDecision): number => (d.action === 'rollback' ? d.series[d.series.length - 1]!.end : 0);
const sliceOrder = (s: string): string => (s === ROOT_SLICE ? '' : s);

/**
 * One decision for a release on a route from all its series (one per slice):
 * a rollback when any series calls for one — the run that completed first,
 * `*` before other slices on a tie, then by slice name — else the first
 * alert in that slice order, else none.
 */
export function decideRelease(
  histories: readonly (readonly WindowEvaluation[])[],
  consecutive: number,
  opts: DecideOptions = {},
): SliceDecision {
  const decisions: SliceDecision[] = [];
  for (const h of histories) {
    const slice = h[0]?.slice;
    if (slice !== undefined) decisions.push({ ...decide(h, consecutive, opts), slice });
  }
  decisions.sort(
    (a, b) =>
      SEVERITY[b.action] - SEVERITY[a.action] ||
      completedAt(a) - completedAt(b) ||
      (sliceOrder(a.slice) < sliceOrder(b.slice) ? -1 : sliceOrder(a.slice) > sliceOrder(b.slice) ? 1 : 0),
  );
  return decisions[0] ?? { ...decide([], consecutive, opts), slice: ROOT_SLICE };
}

/** The actor of the observer's own decisions. */
export const OBSERVER = 'observer';

/** The ledger key of the observer's rollback of a release on a route: one receipt, however often it is replayed. */
export function observeRollbackKey(route: string, release: ReleaseId): string {
  return `observe/${route}/${release}/rollback`;
}

/**
 * The `observe-rollback` receipt for a rollback decision: the release
 * rolled back, the route, the slice whose run decided, the windows of that
 * run (start and end as ISO times) and, when known, the release it rolled
 * back to.
 */
export function observeRollbackDecision(p: {
  readonly route: string;
  readonly release: ReleaseId;
  readonly decision: SliceDecision;
  readonly consecutive: number;
  readonly at: number;
  readonly to?: ReleaseId;
}): Decision {
  if (p.decision.action !== 'rollback')
    throw new RangeError(`only a rollback decision has a receipt, got ${p.decision.action}`);
  const series: JsonValue[] = p.decision.series.map((s) => ({
    start: iso(s.start),
    end: iso(s.end),
    n: s.n,
    mean: s.mean,
    detectors: { ...s.detectors },
    status: s.status,
  }));
  const what: { [key: string]: JsonValue } = { slice: p.decision.slice, consecutive: p.consecutive, series };
  if (p.to !== undefined) what['to'] = p.to;
  return {
    kind: 'observe-rollback',
    subject: p.release,
    actor: OBSERVER,
    at: new Date(p.at),
    route: p.route,
    what,
    why: [p.decision.reason],
  };
}
