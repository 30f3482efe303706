import { sliceChain } from '../../kernel/slice-tree.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';
import { mean } from '../../stats/index.js';
import type { ScoredSample } from './sample.js';

/**
 * Fixed observation windows. A window is [start, start + window_seconds)
 * with start a multiple of the window length since the epoch, so every
 * replica and every restart cuts time the same way. Samples are grouped by
 * route, release and slice: a sample counts in its own slice, in each of
 * its ancestors (`fr/fr-BE` also counts in `fr`) and in `*`, the route as a
 * whole — the same slice tree the gate judges. Samples of different releases
 * never share a window.
 */

/** One detector's counts in a window. */
export interface DetectorCount {
  /** Answers the detector flagged. */
  readonly flagged: number;
  /** Answers the detector looked at. */
  readonly checked: number;
}

export interface WindowAggregate {
  readonly route: string;
  readonly release: ReleaseId;
  readonly slice: string;
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
  /** Samples in the window, scored or not. */
  readonly samples: number;
  /** Answers with a quality score. */
  readonly n: number;
  /** Their scores, in sample order. */
  readonly scores: readonly number[];
  /** Mean of the scores; null when there are none. */
  readonly meanQuality: number | null;
  /** Quality judge calls that failed. */
  readonly judgeErrors: number;
  /** Per detector name. */
  readonly detectors: Readonly<Record<string, DetectorCount>>;
}

/** The identity of a window series: one route, one release, one slice. */
export interface SeriesKey {
  readonly route: string;
  readonly release: ReleaseId;
  readonly slice: string;
}

export function windowMs(windowSeconds: number): number {
  if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0) {
    throw new RangeError(`window_seconds must be a positive finite number, got ${String(windowSeconds)}`);
  }
  return windowSeconds * 1000;
}

/** The start (epoch ms) of the window holding `at`. */
export function windowStart(at: number, windowSeconds: number): number {
  if (!Number.isFinite(at)) throw new RangeError(`a time must be a finite number of ms, got ${String(at)}`);
  const len = windowMs(windowSeconds);
  return Math.floor(at / len) * len;
}

/** A stable string for a series key (route, release, slice). */
export function seriesId(k: SeriesKey): string {
  return `${k.route}\u0000${k.release}\u0000${k.slice}`;
}

function checkSample(s: ScoredSample, i: number): void {
  const bad = (what: string) => new RangeError(`samples[${i}]: ${what}`);
  if (!Number.isFinite(s.at)) throw bad('at must be a finite number of ms');
  if (s.quality !== null && !(typeof s.quality === 'number' && s.quality >= 0 && s.quality <= 1)) {
    throw bad(`quality must be in [0, 1] or null, got ${String(s.quality)}`);
  }
  if (s.judgeError && s.quality !== null) throw bad('a judge error cannot carry a quality score');
}

interface Acc {
  key: SeriesKey;
  start: number;
  samples: number;
  scores: number[];
  judgeErrors: number;
  detectors: Map<string, { flagged: number; checked: number }>;
}

function finish(a: Acc, len: number): WindowAggregate {
  const detectors: Record<string, DetectorCount> = {};
  for (const name of [...a.detectors.keys()].sort()) detectors[name] = { ...a.detectors.get(name)! };
  return {
    route: a.key.route,
    release: a.key.release,
    slice: a.key.slice,
    start: a.start,
    end: a.start + len,
    samples: a.samples,
    n: a.scores.length,
    scores: a.scores,
    meanQuality: a.scores.length > 0 ? mean(a.scores) : null,
    judgeErrors: a.judgeErrors,
    detectors,
  };
}

function compareWindows(x: WindowAggregate, y: WindowAggregate): number {
  if (x.route !== y.route) return x.route < y.route ? -1 : 1;
  if (x.release !== y.release) return x.release < y.release ? -1 : 1;
  if (x.slice !== y.slice) return x.slice < y.slice ? -1 : 1;
  return x.start - y.start;
}

/**
 * Every non-empty window of the samples, one per (route, release, slice,
 * start), sorted by route, release, slice, then start. Windows without a
 * sample are not produced; `fillSeries` adds them.
 */
export function aggregateWindows(samples: readonly ScoredSample[], windowSeconds: number): WindowAggregate[] {
  const len = windowMs(windowSeconds);
  const accs = new Map<string, Acc>();
  samples.forEach((s, i) => {
    checkSample(s, i);
    const start = Math.floor(s.at / len) * len;
    for (const slice of sliceChain(s.slice)) {
      const key: SeriesKey = { route: s.route, release: s.release, slice };
      const id = `${seriesId(key)}\u0000${start}`;
      let a = accs.get(id);
      if (!a) {
        a = { key, start, samples: 0, scores: [], judgeErrors: 0, detectors: new Map() };
        accs.set(id, a);
      }
      a.samples++;
      if (s.quality !== null) a.scores.push(s.quality);
      if (s.judgeError) a.judgeErrors++;
      for (const [name, flagged] of Object.entries(s.flags)) {
        let d = a.detectors.get(name);
        if (!d) {
          d = { flagged: 0, checked: 0 };
          a.detectors.set(name, d);
        }
        d.checked++;
        if (flagged) d.flagged++;
      }
    }
  });
  return [...accs.values()].map((a) => finish(a, len)).sort(compareWindows);
}

/** An empty window of a series. */
export function emptyWindow(key: SeriesKey, start: number, windowSeconds: number): WindowAggregate {
  const len = windowMs(windowSeconds);
  return {
    ...key,
    start,
    end: start + len,
    samples: 0,
    n: 0,
    scores: [],
    meanQuality: null,
    judgeErrors: 0,
    detectors: {},
  };
}

/** Windows that have ended by `now` (end ≤ now): the only ones a decision may look at. */
export function completedWindows<W extends { readonly end: number }>(windows: readonly W[], now: number): W[] {
  return windows.filter((w) => w.end <= now);
}

/** The windows grouped into series by (route, release, slice), each oldest first. */
export function groupSeries(windows: readonly WindowAggregate[]): Map<string, WindowAggregate[]> {
  const out = new Map<string, WindowAggregate[]>();
  for (const w of windows) {
    const id = seriesId(w);
    const list = out.get(id);
    if (list) list.push(w);
    else out.set(id, [w]);
  }
  for (const list of out.values()) list.sort((a, b) => a.start - b.start);
  return out;
}

/**
 * The contiguous series of one key over the windows that start in
 * [from, to) (both rounded down to a window start), oldest first: the
 * aggregated windows of that key where they exist, empty windows elsewhere.
 */
export function fillSeries(
  windows: readonly WindowAggregate[],
  key: SeriesKey,
  from: number,
  to: number,
  windowSeconds: number,
): WindowAggregate[] {
  const len = windowMs(windowSeconds);
  const first = windowStart(from, windowSeconds);
  const last = windowStart(to, windowSeconds);
  const byStart = new Map<number, WindowAggregate>();
  const id = seriesId(key);
  for (const w of windows) if (seriesId(w) === id) byStart.set(w.start, w);
  const out: WindowAggregate[] = [];
  for (let i = 0; first + i * len < last; i++) {
    const start = first + i * len;
    out.push(byStart.get(start) ?? emptyWindow(key, start, windowSeconds));
  }
  return out;
}
