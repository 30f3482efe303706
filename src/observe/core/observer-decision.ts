import type { Decision } from '../../audit/ledger/decision.js';
import type { JsonValue } from '../../kernel/canonical-json.js';
import { ROOT_SLICE } from '../../kernel/slice-tree.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';
import type { WindowEvaluation, WindowStatus } from './band.js';
import type { DriftReading, Reference, StreamReading } from './drift-detector.js';

/**
 * What the observer does about one series of completed windows (one route,
 * release and slice, oldest first), each evaluated by the band and read by
 * the drift detector (evaluate-series.ts).
 *
 * Rules:
 *
 * - Rollback at the first window where the drift detector calls for one: a
 *   CUSUM statistic over its threshold whose drop persisted `consecutive`
 *   informative windows (drift-detector.ts). The series is the windows from
 *   the first of those informative windows to the deciding one, thin and
 *   empty windows between them included. The decision is a function of the
 *   recorded windows alone: an observer that evaluates late (after a restart,
 *   say) reaches the same rollback, with the same series, as one that
 *   evaluated on time — even if quality recovered in the meantime.
 * - A window's band status never rolls back by itself: a thin window
 *   (`insufficient`) or a failing judge neither resets nor blocks the
 *   detector's evidence.
 * - Alert when the newest window is `insufficient` or `judge_failing`, or a
 *   statistic is over its threshold without the persistence a rollback needs
 *   (a transient dip: alert, no rollback), and there is no rollback;
 *   `lastAlertAt` suppresses an alert for a window that ended at or before the
 *   last alert, so a repeated evaluation of the same history alerts once.
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
  /** Informative windows in the detector's open run (since its statistic last left 0). */
  readonly run: number;
  /** For a rollback: the detector stream that decided, and the reference it compared against. */
  readonly detector?: StreamReading;
  readonly reference?: Reference | null;
  /** Whose answers the reference is: the release's own first ones, or the held-back previous stable's. */
  readonly referenceFrom?: 'own' | 'holdback';
  readonly arl0?: number;
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
const fmt = (v: number): string => String(Number(v.toPrecision(4)));

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

  for (const w of history) {
    const stream = w.drift?.rollback;
    if (!stream) continue;
    const first = stream.recent[0]?.start ?? w.start;
    const series = history.filter((x) => x.start >= first && x.start <= w.start);
    const reason =
      `${stream.name} CUSUM ${fmt(stream.statistic)} > threshold ${fmt(stream.threshold ?? 0)} on ${describeWhere(w)} ` +
      `(drop since ${iso(stream.since ?? first)}, persisted over ${stream.recent.length} windows to ${iso(w.end)}; ` +
      `consecutive = ${consecutive}): ${describeStream(stream, w.drift!)}`;
    return {
      action: 'rollback',
      reason,
      series: series.map(seriesPoint),
      run: stream.run,
      detector: stream,
      reference: w.drift!.reference,
      referenceFrom: w.drift!.referenceFrom,
      arl0: w.drift!.arl0,
    };
  }

  const streams = newest.drift?.streams ?? [];
  const run = Math.max(0, ...streams.map((s) => s.run));
  const alarmed = streams.filter((s) => s.status === 'alarm');
  const series = [newest].map(seriesPoint);
  const fresh = !(opts.lastAlertAt !== undefined && newest.end <= opts.lastAlertAt);
  if (fresh && (newest.status === 'insufficient' || newest.status === 'judge_failing' || alarmed.length > 0)) {
    const why = [
      ...(newest.status === 'insufficient' || newest.status === 'judge_failing' ? newest.reasons : []),
      ...alarmed.map(
        (s) =>
          `${s.name} CUSUM ${fmt(s.statistic)} > threshold ${fmt(s.threshold ?? 0)}, not yet persisted over ${consecutive} windows`,
      ),
    ];
    return {
      action: 'alert',
      reason: `${describeWhere(newest)}, window ${iso(newest.start)}: ${why.join('; ')}`,
      series,
      run,
    };
  }
  const reason =
    alarmed.length > 0
      ? `${alarmed.map((s) => s.name).join(', ')} over threshold; the drop must persist ${consecutive} windows`
      : streams.some((s) => s.status === 'watch')
        ? `watching: ${streams
            .filter((s) => s.status === 'watch')
            .map((s) => `${s.name} ${fmt(s.statistic)} of ${fmt(s.threshold ?? 0)}`)
            .join(', ')}`
        : newest.status === 'ok'
          ? 'within band'
          : `no drift; newest window ${newest.status}`;
  return { action: 'none', reason, series, run };
}

function describeStream(s: StreamReading, d: DriftReading): string {
  if (s.name === 'quality-drop' && d.reference)
    return `judged quality under ${d.referenceFrom === 'holdback' ? "the held-back previous stable's" : "the release's own"} production quality ${fmt(d.reference.mean)} (sd ${fmt(d.reference.sd)}, n = ${d.reference.n})`;
  if (s.name === 'quality-floor') return `judged quality under min_quality ${fmt(s.target ?? 0)}`;
  return `${s.name.replace(/^detector:/, 'detector ')} flag rate over its ceiling ${fmt((s.target ?? 0) * 100)}%`;
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
 * run (start and end as ISO times), the detector's statistic (its value,
 * threshold, k, target, change-point estimate, the in-control ARL it was set
 * for and the production reference) and, when known, the release it rolled
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
  const d = p.decision.detector;
  if (d) {
    what['detector'] = {
      statistic: d.name,
      value: d.statistic,
      threshold: d.threshold,
      k: d.k,
      target: d.target,
      since: d.since === null ? null : iso(d.since),
      arl0: p.decision.arl0 ?? null,
      reference: p.decision.reference ? { ...p.decision.reference, from: p.decision.referenceFrom ?? 'own' } : null,
      windows: d.recent.map((w) => ({ start: iso(w.start), increment: w.increment })),
    };
  }
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
