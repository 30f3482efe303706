import { describe, expect, it } from 'vitest';
import {
  advanceSettled,
  heldBoundary,
  maxHoldMs,
  settledBoundary,
  settleMs,
  unreadRange,
  type SettledWindows,
} from './settled-windows.js';
import { sample, samplesFor, T0, WINDOW_MS, WINDOW_SECONDS } from './test-support/fixtures.js';
import { aggregateWindows } from './windows.js';

const SPAN = 6 * WINDOW_MS;

describe('settled windows', () => {
  it('settles a window half a window after its end, between 250 ms and 30 s', () => {
    expect(settleMs(60)).toBe(30_000);
    expect(settleMs(600)).toBe(30_000);
    expect(settleMs(1)).toBe(500);
    expect(settleMs(0.1)).toBe(250);
    expect(settledBoundary(T0 + WINDOW_MS + 29_999, WINDOW_SECONDS)).toBe(T0);
    expect(settledBoundary(T0 + WINDOW_MS + 30_000, WINDOW_SECONDS)).toBe(T0 + WINDOW_MS);
  });

  it('reads each settled window from the store once, then nothing until the next one settles', () => {
    const first = unreadRange(undefined, T0 + 10 * WINDOW_MS, SPAN);
    expect(first).toEqual({ from: T0 + 4 * WINDOW_MS, before: T0 + 10 * WINDOW_MS });
    const settled: SettledWindows = { before: T0 + 10 * WINDOW_MS, windows: [] };
    expect(unreadRange(settled, T0 + 10 * WINDOW_MS, SPAN)).toBeNull();
    expect(unreadRange(settled, T0 + 11 * WINDOW_MS, SPAN)).toEqual({
      from: T0 + 10 * WINDOW_MS,
      before: T0 + 11 * WINDOW_MS,
    });
    // Long idle: no further back than the span.
    expect(unreadRange(settled, T0 + 30 * WINDOW_MS, SPAN)).toEqual({
      from: T0 + 24 * WINDOW_MS,
      before: T0 + 30 * WINDOW_MS,
    });
  });

  it('keeps the span of windows, the old ones let go, each window as a full read of it gives', () => {
    const all = samplesFor(Array.from({ length: 9 }, (_, i) => ({ n: 5 + i, quality: 0.5 + i / 20 })));
    const read = (from: number, before: number) =>
      aggregateWindows(
        all.filter((s) => s.at >= from && s.at < before),
        WINDOW_SECONDS,
      );
    let settled: SettledWindows | undefined;
    for (let w = 1; w <= 9; w++) {
      const before = T0 + w * WINDOW_MS;
      const range = unreadRange(settled, before, SPAN)!;
      settled = advanceSettled(settled, read(range.from, range.before), before, SPAN);
      expect(settled.windows).toEqual(read(Math.max(T0, before - SPAN), before));
    }
    expect(settled!.windows.map((x) => x.start)).toEqual([3, 4, 5, 6, 7, 8].map((w) => T0 + w * WINDOW_MS));
  });

  it('never keeps a window that has not ended by the boundary', () => {
    const open = aggregateWindows([sample({ at: T0 + WINDOW_MS + 1 })], WINDOW_SECONDS);
    expect(advanceSettled(undefined, open, T0 + WINDOW_MS, SPAN).windows).toEqual([]);
  });

  it('holds the boundary back to the window of an answer still being judged, for at most the longest hold', () => {
    const now = T0 + 10 * WINDOW_MS + 45_000; // windows up to T0 + 10 have settled
    expect(heldBoundary(now, WINDOW_SECONDS, undefined)).toBe(T0 + 10 * WINDOW_MS);
    expect(heldBoundary(now, WINDOW_SECONDS, T0 + 10 * WINDOW_MS + 1)).toBe(T0 + 10 * WINDOW_MS); // still open anyway
    expect(heldBoundary(now, WINDOW_SECONDS, T0 + 9 * WINDOW_MS + 59_000)).toBe(T0 + 9 * WINDOW_MS);
    expect(maxHoldMs(WINDOW_SECONDS)).toBe(4 * WINDOW_MS);
    expect(heldBoundary(now, WINDOW_SECONDS, T0 + 2 * WINDOW_MS)).toBe(T0 + 6 * WINDOW_MS); // a stuck judge holds it no further
    expect(maxHoldMs(1)).toBe(120_000);
  });
});
