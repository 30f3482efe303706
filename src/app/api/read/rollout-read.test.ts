import { describe, expect, it } from 'vitest';
import type { ArmIntervalRecord } from '../../../gateway/trace-store.js';
import { armSeries } from './rollout-read.js';

const interval = (i: number, arm: 'stable' | 'canary', count: number, errors = 0): ArmIntervalRecord => ({
  route: 'legal',
  rolloutId: 'ro-1',
  arm,
  intervalStart: new Date(Date.UTC(2026, 0, 1) + i * 10_000).toISOString(),
  count,
  errors,
  latencyP50: 40,
  latencyP95: 100 + i,
  tokens: 0,
  costUsd: 0,
  gatewayId: 'g',
});

describe('a rollout timeline', () => {
  it('sums a day of intervals into at most 240 buckets without losing a request or an error', () => {
    const rows = Array.from({ length: 8640 }, (_, i) => [
      interval(i, 'canary', 5, i % 2),
      interval(i, 'stable', 95),
    ]).flat();
    const { points, totals } = armSeries(rows);
    expect(points.length).toBeLessThanOrEqual(240);
    expect(totals).toEqual({ canary: 8640 * 5, stable: 8640 * 95, canary_errors: 4320, stable_errors: 0 });
    expect(points.reduce((n, p) => n + p.canary, 0)).toBe(8640 * 5);
    expect(points.map((p) => p.t)).toEqual([...points.map((p) => p.t)].sort((a, b) => a - b));
    expect(points.at(-1)!.canary_p95).toBe(100 + 8639);
  });

  it('keeps every interval of a short rollout as its own point', () => {
    const { points } = armSeries([interval(0, 'canary', 3), interval(1, 'canary', 4), interval(1, 'stable', 10)]);
    expect(points.map((p) => [p.canary, p.stable])).toEqual([
      [3, 0],
      [4, 10],
    ]);
  });
});
