import type { ArmIntervalRecord } from '../../../gateway/trace-store.js';
import type { Store } from '../../../store/store.js';
import { receiptRows, recentEntries } from './audit-read.js';

/** At most this many points per series: a rollout of any length is summarised to a chart's width. */
const MAX_POINTS = 240;
/** Receipts shown with a rollout: its newest. */
const RECEIPTS = 30;

export interface ArmPoint {
  /** Bucket start, epoch ms. */
  readonly t: number;
  readonly stable: number;
  readonly canary: number;
  readonly stable_errors: number;
  readonly canary_errors: number;
  /** The canary's p95 latency (ms), the largest of the bucket's intervals. */
  readonly canary_p95: number;
  readonly stable_p95: number;
}

/** Per-interval arm aggregates summed into at most MAX_POINTS buckets, oldest first. */
export function armSeries(rows: readonly ArmIntervalRecord[]): { points: ArmPoint[]; totals: Record<string, number> } {
  const totals = { stable: 0, canary: 0, stable_errors: 0, canary_errors: 0 };
  if (rows.length === 0) return { points: [], totals };
  const times = rows.map((r) => Date.parse(r.intervalStart));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const width = Math.max(1, Math.ceil((last - first + 1) / MAX_POINTS));
  const buckets = new Map<number, { -readonly [K in keyof ArmPoint]: ArmPoint[K] }>();
  rows.forEach((r, i) => {
    const t = first + Math.floor((times[i]! - first) / width) * width;
    const b = buckets.get(t) ?? {
      t,
      stable: 0,
      canary: 0,
      stable_errors: 0,
      canary_errors: 0,
      canary_p95: 0,
      stable_p95: 0,
    };
    b[r.arm] += r.count;
    b[`${r.arm}_errors`] += r.errors;
    b[`${r.arm}_p95`] = Math.max(b[`${r.arm}_p95`], r.latencyP95);
    totals[r.arm] += r.count;
    totals[`${r.arm}_errors`] += r.errors;
    buckets.set(t, b);
  });
  return { points: [...buckets.values()].sort((a, b) => a.t - b.t), totals };
}

/**
 * A route's rollout as a timeline: the status the CLI prints (steps, monitors
 * with intervals, events), the canary weight over time from the events, the
 * arms' requests summarised per bucket, and the receipts of its releases.
 */
export async function rolloutTimeline(
  store: Pick<Store, 'latestRollout' | 'armIntervals' | 'auditEntries' | 'auditSize'>,
  status: (route: string) => Promise<unknown>,
  route: string,
) {
  const rollout = await store.latestRollout(route);
  const current = await status(route);
  if (!rollout) return { status: current, weights: [], arms: armSeries([]), receipts: [] };
  // Times in epoch ms, as the arms' buckets.
  const weights = rollout.status.events.map((e) => ({ t: e.at, weight: e.weight, kind: e.kind }));
  const arms = armSeries(await store.armIntervals({ route, rolloutId: rollout.rolloutId }));
  const since = Date.parse(rollout.createdAt) - 1000;
  const receipts = (
    await Promise.all(
      [rollout.spec.candidate, rollout.spec.stable].map((subject) => recentEntries(store, { subject }, RECEIPTS)),
    )
  )
    .flat()
    .filter((e) => Date.parse(e.createdAt) >= since)
    .sort((a, b) => b.index - a.index)
    .slice(0, RECEIPTS);
  return { status: current, weights, arms, receipts: receiptRows(receipts) };
}
