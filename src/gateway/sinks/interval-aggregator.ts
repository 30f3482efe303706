import { type Clock, systemClock } from '../../kernel/clock.js';
import { addMoment, EMPTY_MOMENTS, type Moments } from '../../stats/confidence-sequence.js';
import { quantileSorted } from '../../stats/describe.js';
import type { Arm, ArmIntervalRecord } from '../../store/store.js';

/** One finished request, as the per-interval aggregates count it. */
export interface ArmSample {
  readonly route: string;
  readonly rolloutId: string | null;
  readonly arm: Arm;
  readonly latencyMs: number;
  readonly error: boolean;
  /** Answered (status < 400): only these count in the ln-latency moments, as a client's refused request says nothing of the model's speed. Default: not an error. */
  readonly answered?: boolean;
  readonly tokens: number;
  readonly costUsd: number;
}

export interface IntervalAggregatorOptions {
  /** rollout.interval_seconds. Default 10. */
  readonly intervalSeconds?: number;
  /** This process's id; each process writes its own rows. */
  readonly gatewayId: string;
  readonly clock?: Clock;
  /** Latencies kept per arm and interval for the percentiles (a uniform sample past it). Default 10,000. */
  readonly maxSamples?: number;
  readonly onError?: (e: unknown) => void;
  readonly random?: () => number;
}

interface Bucket {
  readonly route: string;
  readonly rolloutId: string;
  readonly arm: Arm;
  readonly start: number;
  count: number;
  errors: number;
  successes: number;
  tokens: number;
  costUsd: number;
  latencies: number[];
  /** ln latency (ms) of every successful request, and cost of every request: the controller's monitors read these. */
  logLatency: Moments;
  costs: Moments;
}

/**
 * Per-arm totals per interval, accumulated in memory and written once an
 * interval is over (and, on close, the one in progress). A failed write is
 * kept and tried again with the next one; rewriting a row replaces it.
 */
export class IntervalAggregator {
  private buckets = new Map<string, Bucket>();
  private unwritten: ArmIntervalRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | null = null;
  private closed = false;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly maxSamples: number;
  private readonly random: () => number;

  constructor(
    private readonly write: (rows: readonly ArmIntervalRecord[]) => Promise<void>,
    private readonly opts: IntervalAggregatorOptions,
  ) {
    this.intervalMs = (opts.intervalSeconds ?? 10) * 1000;
    const clock = opts.clock ?? systemClock;
    this.now = () => clock.now();
    this.maxSamples = opts.maxSamples ?? 10_000;
    this.random = opts.random ?? Math.random;
  }

  record(s: ArmSample): void {
    const start = Math.floor(this.now() / this.intervalMs) * this.intervalMs;
    const rolloutId = s.rolloutId ?? '';
    const key = `${start}\0${s.route}\0${rolloutId}\0${s.arm}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = {
        route: s.route,
        rolloutId,
        arm: s.arm,
        start,
        count: 0,
        errors: 0,
        successes: 0,
        tokens: 0,
        costUsd: 0,
        latencies: [],
        logLatency: EMPTY_MOMENTS,
        costs: EMPTY_MOMENTS,
      };
      this.buckets.set(key, b);
    }
    b.count++;
    b.tokens += s.tokens;
    b.costUsd += s.costUsd;
    b.costs = addMoment(b.costs, s.costUsd);
    if (s.error) {
      b.errors++;
      return;
    }
    // Latency percentiles are over the successful requests (a reservoir sample past maxSamples).
    b.successes++;
    if (s.answered ?? true) b.logLatency = addMoment(b.logLatency, Math.log(Math.max(s.latencyMs, 0.1)));
    if (b.latencies.length < this.maxSamples) b.latencies.push(s.latencyMs);
    else {
      const j = Math.floor(this.random() * b.successes);
      if (j < this.maxSamples) b.latencies[j] = s.latencyMs;
    }
  }

  /** Writes every interval at each interval boundary, until close. */
  start(): void {
    if (this.closed) return;
    const wait = this.intervalMs - (this.now() % this.intervalMs) + 5;
    this.timer = setTimeout(() => {
      this.flush(false).catch(() => {});
      this.start();
    }, wait);
    this.timer.unref();
  }

  /** Writes the intervals that are over (all of them with `all`); rejects when the write fails. */
  async flush(all = true): Promise<void> {
    while (this.writing !== null) await this.writing.catch(() => {});
    const current = Math.floor(this.now() / this.intervalMs) * this.intervalMs;
    for (const [key, b] of this.buckets) {
      if (!all && b.start >= current) continue;
      this.unwritten.push(this.toRecord(b));
      this.buckets.delete(key);
    }
    if (this.unwritten.length === 0) return;
    const rows = this.unwritten;
    this.unwritten = [];
    this.writing = this.write(rows)
      .catch((e: unknown) => {
        this.unwritten = [...rows, ...this.unwritten];
        this.opts.onError?.(e);
        throw e;
      })
      .finally(() => {
        this.writing = null;
      });
    await this.writing;
  }

  /** Stops the timer and writes everything, the interval in progress included. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush(true);
  }

  private toRecord(b: Bucket): ArmIntervalRecord {
    const sorted = b.latencies.sort((x, y) => x - y);
    return {
      route: b.route,
      rolloutId: b.rolloutId,
      arm: b.arm,
      intervalStart: new Date(b.start).toISOString(),
      count: b.count,
      errors: b.errors,
      latencyP50: sorted.length ? quantileSorted(sorted, 0.5) : 0,
      latencyP95: sorted.length ? quantileSorted(sorted, 0.95) : 0,
      tokens: b.tokens,
      costUsd: b.costUsd,
      gatewayId: this.opts.gatewayId,
      logLatency: b.logLatency,
      costs: b.costs,
    };
  }
}
