import { windowMs, windowStart, type WindowAggregate } from './windows.js';

/**
 * A release's windows that have settled: closed long enough ago that no more
 * samples will land in them, so they are read from the store once and kept.
 *
 * A window closes at its end, but its last samples are written after they are
 * judged (and batched), so it is final only `settleMs` later. Decisions look
 * at settled windows only, and are taken once per newly settled window, not
 * on every tick: between two window ends nothing a decision reads can change.
 * A sample written more than `settleMs` after its window closed is not
 * counted (its judge took longer than that).
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

/** The part of the store a settling step must read: samples at or after `from`, before `before`; null when nothing new has settled. */
export function unreadRange(prev: SettledWindows | undefined, before: number, spanMs: number): { from: number; before: number } | null {
  if (prev && prev.before >= before) return null;
  const oldest = before - spanMs;
  return { from: prev ? Math.max(prev.before, oldest) : oldest, before };
}

/** The settled windows once the newly read ones are in, those older than the span let go. */
export function advanceSettled(prev: SettledWindows | undefined, fresh: readonly WindowAggregate[], before: number, spanMs: number): SettledWindows {
  const oldest = before - spanMs;
  const windows = [...(prev?.windows ?? []), ...fresh].filter((w) => w.start >= oldest && w.end <= before);
  return { before, windows };
}
