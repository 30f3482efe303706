import { windowMs, windowStart, type WindowAggregate } from './windows.js';

/**
 * A release's windows that have settled: closed long enough ago that no more
 * samples will land in them, so they are read from the store once and kept.
 *
 * A window closes at its end, but its last samples are written after they are
 * judged (and batched), so it is final only `settleMs` later. Decisions look
 * at settled windows only, and are taken once per newly settled window, not
 * on every tick: between two window ends nothing a decision reads can change.
 * While this process still has answers of an earlier window queued or being
 * judged, the boundary waits for them (`heldBoundary`), up to `maxHoldMs`; a
 * sample written after its window was read is not counted, and is counted as
 * late instead.
 */
export interface SettledWindows {
  /** Every window that ends at or before this (a window boundary, epoch ms) has settled. */
  readonly before: number;
  /** Their aggregates, from `before − span` on. */
  readonly windows: readonly WindowAggregate[];
}

/** How long after its end a window may still take samples: half a window, between 250 ms and 30 s. */
export function settleMs(windowSeconds: number): number {
  return Math.min(30_000, Math.max(250, windowMs(windowSeconds) / 2));
}

/** The boundary before which every window has settled at `now`. */
export function settledBoundary(now: number, windowSeconds: number): number {
  return windowStart(now - settleMs(windowSeconds), windowSeconds);
}

/** How far back answers still being judged may hold the boundary: 4 windows, and at least 2 minutes (a slow judge's timeout and retries). */
export function maxHoldMs(windowSeconds: number): number {
  return Math.max(4 * windowMs(windowSeconds), 120_000);
}

/**
 * The boundary at `now` held back to the window of the oldest answer not yet
 * stored (epoch ms; undefined when none), no further than `maxHoldMs`: a judge
 * that never answers delays decisions, it does not stop them.
 */
export function heldBoundary(now: number, windowSeconds: number, oldestPending: number | undefined): number {
  const boundary = settledBoundary(now, windowSeconds);
  if (oldestPending === undefined) return boundary;
  const floor = windowStart(boundary - maxHoldMs(windowSeconds), windowSeconds);
  return Math.max(floor, Math.min(boundary, windowStart(oldestPending, windowSeconds)));
}

/** The part of the store a settling step must read: samples at or after `from`, before `before`; null when nothing new has settled. */
export function unreadRange(
  prev: SettledWindows | undefined,
  before: number,
  spanMs: number,
): { from: number; before: number } | null {
  if (prev && prev.before >= before) return null;
  const oldest = before - spanMs;
  return { from: prev ? Math.max(prev.before, oldest) : oldest, before };
}

/** The settled windows once the newly read ones are in, those older than the span let go. */
export function advanceSettled(
  prev: SettledWindows | undefined,
  fresh: readonly WindowAggregate[],
  before: number,
  spanMs: number,
): SettledWindows {
  const oldest = before - spanMs;
  const windows = [...(prev?.windows ?? []), ...fresh].filter((w) => w.start >= oldest && w.end <= before);
  return { before, windows };
}
