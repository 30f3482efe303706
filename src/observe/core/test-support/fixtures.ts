import type { ReleaseId } from '../../../release/resolved-manifest.js';
import type { ScoredSample } from '../sample.js';

export const STABLE: ReleaseId = `sha256:${'a'.repeat(64)}`;
export const CANDIDATE: ReleaseId = `sha256:${'b'.repeat(64)}`;
export const ROUTE = 'legal';

/** 2026-03-02T00:00:00Z, a window boundary for any window length that divides a day. */
export const T0 = Date.UTC(2026, 2, 2);
export const WINDOW_SECONDS = 60;
export const WINDOW_MS = WINDOW_SECONDS * 1000;

export function sample(over: Partial<ScoredSample> = {}): ScoredSample {
  return { at: T0, route: ROUTE, release: STABLE, slice: '*', quality: 0.8, judgeError: false, flags: {}, ...over };
}

export interface WindowPlan {
  /** Scored answers in the window. */
  readonly n: number;
  /** Quality of each scored answer (a function of its index, or a constant). */
  readonly quality: number | ((i: number) => number);
  /** Judge errors besides the scored answers. */
  readonly judgeErrors?: number;
  /** Detector name → how many of the scored answers it flags (it checks them all). */
  readonly flagged?: Readonly<Record<string, number>>;
  readonly slice?: string;
  readonly release?: ReleaseId;
}

/**
 * Samples for consecutive windows starting at T0 + offset windows, spread
 * evenly inside each window: the same shape production traffic has.
 */
export function samplesFor(
  plans: readonly WindowPlan[],
  offset = 0,
  detectors: readonly string[] = ['refusal', 'dates'],
): ScoredSample[] {
  const out: ScoredSample[] = [];
  plans.forEach((p, w) => {
    const start = T0 + (offset + w) * WINDOW_MS;
    const total = p.n + (p.judgeErrors ?? 0);
    for (let i = 0; i < total; i++) {
      const at = start + Math.floor(((i + 0.5) * WINDOW_MS) / total);
      const base = { at, slice: p.slice ?? '*', release: p.release ?? STABLE };
      if (i >= p.n) {
        out.push(sample({ ...base, quality: null, judgeError: true }));
        continue;
      }
      const flags: Record<string, boolean> = {};
      for (const d of detectors) flags[d] = i < (p.flagged?.[d] ?? 0);
      out.push(sample({ ...base, quality: typeof p.quality === 'number' ? p.quality : p.quality(i), flags }));
    }
  });
  return out;
}
