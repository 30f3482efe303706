import { ROOT_SLICE } from '../../kernel/slice-tree.js';
import type { JudgeResult } from '../../judging/judge.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';

/**
 * One sampled production answer after judging: what the observer's windows
 * aggregate. `quality` is the quality judge's score in [0, 1], or null when
 * there is none (a judge error, or the judge was not called); `judgeError`
 * says the quality judge was called and failed. `flags` holds one entry per
 * detector that ran on the answer (true when it flagged it); a detector
 * that did not run, or failed, has no entry.
 */
export interface ScoredSample {
  /** When the request arrived, epoch ms: decides the sample's window. */
  readonly at: number;
  readonly route: string;
  readonly release: ReleaseId;
  /** The request's slice, or `*` when it named none. */
  readonly slice: string;
  readonly quality: number | null;
  readonly judgeError: boolean;
  readonly flags: Readonly<Record<string, boolean>>;
}

/** Request headers as the gateway sees them (names in any case). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export const SLICE_HEADER = 'x-sluice-slice';

const SLICE_PATH = /^[^/\s]+(\/[^/\s]+)*$/;

function headerValue(headers: RequestHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = Array.isArray(value) ? (value as readonly string[])[0] : (value as string | undefined);
    if (first !== undefined) return first;
  }
  return undefined;
}

function validSlice(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s === ROOT_SLICE || SLICE_PATH.test(s) ? s : undefined;
}

/**
 * The slice a production request belongs to: the `x-sluice-slice` header,
 * else the request body's `metadata.slice`, else `*` (the route as a whole).
 * A value that is not a slice path (empty, blank, an empty segment, white
 * space inside) is ignored and the next source is tried.
 */
export function requestSlice(req: { readonly headers?: RequestHeaders; readonly metadata?: unknown }): string {
  const fromHeader = req.headers ? validSlice(headerValue(req.headers, SLICE_HEADER)) : undefined;
  if (fromHeader !== undefined) return fromHeader;
  const meta = req.metadata;
  if (typeof meta === 'object' && meta !== null && !Array.isArray(meta)) {
    const fromMeta = validSlice((meta as Record<string, unknown>)['slice']);
    if (fromMeta !== undefined) return fromMeta;
  }
  return ROOT_SLICE;
}

/**
 * A ScoredSample from the judges' results. `quality` is the quality judge's
 * result, or null when it was not called (over the spend cap, say); each
 * detector's result sets its flag (`flagged`, false when absent), and a
 * detector that failed is left out of `flags`.
 */
export function scoredSample(
  base: { readonly at: number; readonly route: string; readonly release: ReleaseId; readonly slice: string },
  quality: JudgeResult | null,
  detectors: Readonly<Record<string, JudgeResult>> = {},
): ScoredSample {
  const flags: Record<string, boolean> = {};
  for (const [name, r] of Object.entries(detectors)) if (r.ok) flags[name] = r.flagged === true;
  return {
    at: base.at,
    route: base.route,
    release: base.release,
    slice: base.slice,
    quality: quality?.ok ? quality.score : null,
    judgeError: quality !== null && !quality.ok,
    flags,
  };
}
