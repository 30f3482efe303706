import { bernoulliLlr, cusumStep, cusumThreshold, llrCusumThreshold } from '../../stats/index.js';
import type { DetectorCount } from './windows.js';

/**
 * The observer's sequential change detector: CUSUMs over the stream of judged
 * answers of one release (one series: route, release, slice), advanced one
 * completed window at a time, so evidence accumulates across windows and a
 * thin window (a handful of answers, or none) neither resets nor blocks it.
 *
 * Streams, each a one-sided CUSUM with its own threshold:
 *
 * - `quality-drop`: the answers' quality against the release's OWN production
 *   quality (the reference: the mean and sd of its first `referenceSamples`
 *   judged answers in production — canary steps included — never the gate
 *   score, which comes from another distribution) — or, with a holdback
 *   (observe.holdback, referenceFrom 'holdback'), the first
 *   `referenceSamples` judged answers of the previous stable kept on the
 *   route, so a release worse from its first answer is measured against what
 *   it replaced. z = (μ₀ − x)/σ₀,
 *   k = minDrop / (2σ₀): tuned to catch a drop of `minDrop`. Until the
 *   reference is complete this stream is inconclusive (it collects).
 * - `quality-floor`: the same CUSUM against observe.min_quality as an absolute
 *   floor (μ₀ = min_quality), so a release that is bad from its first answer
 *   is caught before any reference exists. σ is the reference's, else the sd
 *   of the scores seen so far, else 0.25; never under 0.05.
 * - `detector:<name>`: per detector with a ceiling c < 1, the Bernoulli
 *   log-likelihood-ratio CUSUM of p₁ against p₀ = c (c = 0 is taken as
 *   10⁻⁴), one term per answer the detector checked; p₁ is twice the ceiling
 *   or the ceiling plus minDrop/2, whichever is larger (at most (1 + c)/2).
 *
 * Error rates stated: a quality stream's threshold h is set by Siegmund's
 * approximation so that a healthy release (true mean at its reference, or at
 * min_quality for the floor) sees one alarm per `arl0` judged answers on
 * average; a detector stream's h = ln(arl0), so a detector at exactly its
 * ceiling alarms at most once per arl0 checked answers (Lorden's bound). A
 * statistic is capped at 2h so that an old transient's evidence fades within
 * a few windows instead of carrying a later alarm.
 *
 * Persistence (`consecutive` keeps its meaning: the drop must last that many
 * windows before a rollback). A stream rolls back at the end of a window when
 *   1. its statistic is above h (the alarm), and
 *   2. the drop persisted over its last `consecutive` informative windows (a
 *      window with at least one observation for the stream; empty windows are
 *      skipped, not counted against it): the statistic has been above 0 for
 *      at least that many of them (since the change-point estimate), the
 *      newest of them still shows the
 *      drop (its summed CUSUM increment Σ(z − k) > 0) and, for consecutive ≥ 2,
 *      the sum of their increments without the largest one is above 0 — so no
 *      single window carries the rollback, and a transient dip (an upstream
 *      hiccup) alerts but does not roll back.
 * An alarm without persistence is `alarm` (an alert); a statistic above 0 but
 * under h is `watch`; otherwise `ok`; a stream with no evidence yet is
 * `inconclusive`. Every outcome is one of pass (ok/watch), fail (rollback) or
 * inconclusive (keep collecting).
 */

export const DEFAULT_SD = 0.25;
export const MIN_SD = 0.05;
/** A detector ceiling of 0 is taken as this rate (any flag is then strong evidence). */
export const MIN_CEILING = 1e-4;

export interface DriftSpec {
  /** observe.min_quality: the absolute floor. */
  readonly minQuality: number;
  /** observe.min_drop: the drop below the release's reference the quality CUSUM is tuned for. */
  readonly minDrop: number;
  /** observe.arl0: judged answers between false alarms of one stream on a healthy release. */
  readonly arl0: number;
  /** observe.reference_samples: judged answers that make the reference. */
  readonly referenceSamples: number;
  /** observe.consecutive. */
  readonly consecutive: number;
  /** Highest acceptable flag rate per detector name. */
  readonly detectorCeilings: Readonly<Record<string, number>>;
  /**
   * Where the reference comes from: the release's own first judged answers ('own', the default), or the
   * judged answers of the previous stable held back on the route ('holdback', observe.holdback): the
   * windows' `referenceScores`; the release's own answers then all count as evidence.
   */
  readonly referenceFrom?: 'own' | 'holdback';
}

/** The release's own production quality. */
export interface Reference {
  readonly mean: number;
  readonly sd: number;
  readonly n: number;
}

interface Moments {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}

/** One window's contribution to a stream: its start and summed increment. */
interface WindowEvidence {
  readonly start: number;
  readonly increment: number;
}

interface StreamState {
  readonly statistic: number;
  /** Start of the window in which the statistic last left 0 (the change-point estimate); null at 0. */
  readonly since: number | null;
  /** Informative windows since the statistic last left 0 (that window included). */
  readonly run: number;
  /** The last `consecutive` informative windows, oldest first. */
  readonly recent: readonly WindowEvidence[];
}

export interface DriftState {
  /** Scores collected for the reference; complete at referenceSamples. */
  readonly referenceMoments: Moments;
  /** Every score seen (for σ before the reference is complete). */
  readonly seen: Moments;
  readonly streams: Readonly<Record<string, StreamState>>;
}

export type StreamStatus = 'ok' | 'watch' | 'alarm' | 'rollback' | 'inconclusive';

export interface StreamReading {
  readonly name: string;
  readonly status: StreamStatus;
  readonly statistic: number;
  /** null while the stream cannot be computed yet (the drop stream before its reference). */
  readonly threshold: number | null;
  /** The CUSUM reference value k (per answer) for a quality stream; null for a detector stream. */
  readonly k: number | null;
  /** What the stream compares against: the reference mean, min_quality, or the detector ceiling. */
  readonly target: number | null;
  /** Start of the window in which the statistic last left 0; null when it is 0. */
  readonly since: number | null;
  /** Informative windows since then. */
  readonly run: number;
  /** The informative windows the persistence rule looked at, oldest first. */
  readonly recent: readonly WindowEvidence[];
}

export interface DriftReading {
  /** The in-control average run length the thresholds were set for (DriftSpec.arl0). */
  readonly arl0: number;
  readonly reference: Reference | null;
  /** Whose answers the reference is: the release's own, or the held-back previous stable's. */
  readonly referenceFrom: 'own' | 'holdback';
  /** Judged answers collected toward the reference while it is incomplete. */
  readonly referenceCollected: number;
  readonly streams: readonly StreamReading[];
  /** The stream that calls for a rollback (the one furthest over its threshold), if any. */
  readonly rollback: StreamReading | null;
}

/** What the detector reads from one completed window. */
export interface DriftWindow {
  readonly start: number;
  readonly scores: readonly number[];
  readonly detectors: Readonly<Record<string, DetectorCount>>;
  /** With referenceFrom 'holdback': the held-back previous stable's judged scores in this window. */
  readonly referenceScores?: readonly number[];
}

const EMPTY: Moments = { n: 0, sum: 0, sumSq: 0 };

/** Thresholds already solved for (k, arl0): a release's k is fixed once its reference is, so most calls hit. */
const thresholds = new Map<string, number>();
function qualityThreshold(k: number, arl0: number): number {
  const key = `${k}|${arl0}`;
  let h = thresholds.get(key);
  if (h === undefined) {
    h = cusumThreshold(k, arl0);
    if (thresholds.size >= 1024) thresholds.clear();
    thresholds.set(key, h);
  }
  return h;
}

export function initialDriftState(): DriftState {
  return { referenceMoments: EMPTY, seen: EMPTY, streams: {} };
}

function sdOf(m: Moments): number {
  if (m.n < 2) return DEFAULT_SD;
  const v = (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1);
  return Math.sqrt(Math.max(0, v));
}

function checkSpec(spec: DriftSpec): void {
  const frac = (name: string, v: number) => {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${String(v)}`);
  };
  frac('minQuality', spec.minQuality);
  if (!(spec.minDrop > 0 && spec.minDrop <= 1)) throw new RangeError(`minDrop must be in (0, 1], got ${spec.minDrop}`);
  if (!(Number.isFinite(spec.arl0) && spec.arl0 > 1)) throw new RangeError(`arl0 must be > 1, got ${spec.arl0}`);
  if (!(Number.isSafeInteger(spec.referenceSamples) && spec.referenceSamples >= 2))
    throw new RangeError(`referenceSamples must be an integer ≥ 2, got ${spec.referenceSamples}`);
  if (!(Number.isSafeInteger(spec.consecutive) && spec.consecutive >= 1))
    throw new RangeError(`consecutive must be an integer ≥ 1, got ${spec.consecutive}`);
  for (const [name, c] of Object.entries(spec.detectorCeilings)) frac(`detectorCeilings.${name}`, c);
}

export function referenceOf(state: DriftState, spec: Pick<DriftSpec, 'referenceSamples'>): Reference | null {
  const m = state.referenceMoments;
  if (m.n < spec.referenceSamples) return null;
  return { mean: m.sum / m.n, sd: Math.max(MIN_SD, sdOf(m)), n: m.n };
}

/** Whether the last `consecutive` informative windows show a persisting drop (see the rules above). */
export function persisted(recent: readonly WindowEvidence[], consecutive: number): boolean {
  if (recent.length < consecutive) return false;
  const last = recent.slice(-consecutive);
  if (!(last[last.length - 1]!.increment > 0)) return false;
  if (consecutive === 1) return true;
  const sorted = last.map((w) => w.increment).sort((a, b) => a - b);
  return sorted.slice(0, consecutive - 1).reduce((a, b) => a + b, 0) > 0;
}

interface Stream {
  readonly name: string;
  readonly threshold: number;
  readonly k: number | null;
  readonly target: number;
  /** Per-observation CUSUM terms (z − k, or an LLR) of this window. */
  readonly terms: readonly number[];
}

function advanceStream(prev: StreamState | undefined, s: Stream, start: number, consecutive: number): StreamState {
  let statistic = prev?.statistic ?? 0;
  let since = prev?.since ?? null;
  let run = prev?.run ?? 0;
  const cap = 2 * s.threshold;
  let restarted = false;
  for (const t of s.terms) {
    statistic = cusumStep(statistic, t, 0, cap);
    if (statistic === 0) since = null;
    else if (since === null) {
      since = start;
      restarted = true;
    }
  }
  let recent = prev?.recent ?? [];
  if (since === null) run = 0;
  else if (restarted) run = 1;
  else if (s.terms.length > 0) run++;
  if (s.terms.length > 0) {
    const increment = s.terms.reduce((a, b) => a + b, 0);
    recent = [...recent, { start, increment }].slice(-consecutive);
  }
  return { statistic, since, run, recent };
}

function readStream(
  state: StreamState,
  s: Omit<Stream, 'terms'>,
  consecutive: number,
): StreamReading & { threshold: number } {
  const alarm = state.statistic > s.threshold;
  const status: StreamStatus = alarm
    ? state.run >= consecutive && persisted(state.recent, consecutive)
      ? 'rollback'
      : 'alarm'
    : state.statistic > 0
      ? 'watch'
      : 'ok';
  return {
    name: s.name,
    status,
    statistic: state.statistic,
    threshold: s.threshold,
    k: s.k,
    target: s.target,
    since: state.since,
    run: state.run,
    recent: state.recent,
  };
}

/**
 * Advances the detector over one completed window (windows oldest first,
 * empty ones included or not: an empty window changes nothing). Returns the
 * new state and the reading at the window's end.
 */
export function advanceDrift(
  state: DriftState,
  window: DriftWindow,
  spec: DriftSpec,
): { state: DriftState; reading: DriftReading } {
  checkSpec(spec);
  let { n: sn, sum: ss, sumSq: sq } = state.seen;
  let { n: rn, sum: rs, sumSq: rq } = state.referenceMoments;
  const forDrop: number[] = [];
  const holdback = spec.referenceFrom === 'holdback';
  if (holdback)
    for (const x of window.referenceScores ?? []) {
      if (rn >= spec.referenceSamples) break;
      rn++;
      rs += x;
      rq += x * x;
    }
  for (const x of window.scores) {
    sn++;
    ss += x;
    sq += x * x;
    if (holdback) {
      if (rn >= spec.referenceSamples) forDrop.push(x);
    } else if (rn < spec.referenceSamples) {
      rn++;
      rs += x;
      rq += x * x;
    } else forDrop.push(x);
  }
  const seen: Moments = window.scores.length > 0 ? { n: sn, sum: ss, sumSq: sq } : state.seen;
  const refM: Moments = rn !== state.referenceMoments.n ? { n: rn, sum: rs, sumSq: rq } : state.referenceMoments;
  // The reference as it stood before this window decides this window's drop terms; a reference completed
  // inside the window applies to the window's remaining scores.
  const reference = referenceOf({ ...state, referenceMoments: refM }, spec);
  const sd = Math.max(MIN_SD, reference?.sd ?? (seen.n >= 10 ? sdOf(seen) : DEFAULT_SD));

  const streams: (Stream & { inconclusive: boolean })[] = [];
  const floorK = spec.minDrop / (2 * sd);
  streams.push({
    name: 'quality-floor',
    threshold: qualityThreshold(floorK, spec.arl0),
    k: floorK,
    target: spec.minQuality,
    terms: window.scores.map((x) => (spec.minQuality - x) / sd - floorK),
    inconclusive: seen.n === 0,
  });
  if (reference) {
    const k = spec.minDrop / (2 * reference.sd);
    streams.push({
      name: 'quality-drop',
      threshold: qualityThreshold(k, spec.arl0),
      k,
      target: reference.mean,
      terms: forDrop.map((x) => (reference.mean - x) / reference.sd - k),
      inconclusive: false,
    });
  }
  for (const name of Object.keys(spec.detectorCeilings).sort()) {
    const ceiling = spec.detectorCeilings[name]!;
    if (ceiling >= 1) continue;
    const p0 = Math.max(MIN_CEILING, ceiling);
    const { flagged, clean } = bernoulliLlr(p0, Math.min((1 + p0) / 2, Math.max(2 * p0, p0 + spec.minDrop / 2)));
    const count = window.detectors[name] ?? { flagged: 0, checked: 0 };
    const terms: number[] = [];
    for (let i = 0; i < count.checked; i++) terms.push(i < count.flagged ? flagged : clean);
    const prev = state.streams[`detector:${name}`];
    streams.push({
      name: `detector:${name}`,
      threshold: llrCusumThreshold(spec.arl0),
      k: null,
      target: ceiling,
      terms,
      inconclusive: !prev && count.checked === 0,
    });
  }

  const next: Record<string, StreamState> = {};
  const readings: StreamReading[] = [];
  if (!reference) {
    readings.push({
      name: 'quality-drop',
      status: 'inconclusive',
      statistic: 0,
      threshold: null,
      k: null,
      target: null,
      since: null,
      run: 0,
      recent: [],
    });
  }
  for (const s of streams) {
    const st = advanceStream(state.streams[s.name], s, window.start, spec.consecutive);
    next[s.name] = st;
    const r = readStream(st, s, spec.consecutive);
    readings.push(s.inconclusive ? { ...r, status: 'inconclusive' } : r);
  }
  const rollback =
    readings
      .filter((r) => r.status === 'rollback')
      .sort((a, b) => b.statistic / (b.threshold ?? 1) - a.statistic / (a.threshold ?? 1))[0] ?? null;
  return {
    state: { referenceMoments: refM, seen, streams: next },
    reading: {
      arl0: spec.arl0,
      reference,
      referenceFrom: holdback ? 'holdback' : 'own',
      referenceCollected: refM.n,
      streams: readings,
      rollback,
    },
  };
}
