import { createHash } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import { TokenBucket } from '../providers/http/token-bucket.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { serve, type ServeDeps, type ServeRequest } from '../serving/serve.js';
import type { ShadowStore } from './shadow-store.js';
import type { Finished } from '../gateway/http/chat.js';
import { toShadowPairRecord, type RawShadowPair, type TraceKeeping } from '../gateway/sinks/record.js';
import { BatchQueue } from '../kernel/batch-queue.js';
import { type Clock, systemClock } from '../kernel/clock.js';

/** shadow: in sluice.yaml. */
export interface ShadowOptions {
  /** shadow.strip_tools: mirrored requests go to the upstream without `tools`. Default false. */
  readonly stripTools?: boolean;
  /** shadow.max_requests_per_minute: most mirrored requests started per minute, all routes together. Default 600. */
  readonly maxPerMinute?: number;
}

export interface ShadowMirrorOptions extends ShadowOptions {
  readonly providers: ProviderRegistry;
  readonly store: Pick<ShadowStore, 'insertShadowPairs'>;
  /** How the pairs' content is redacted and their sticky keys hashed (as traces are). */
  readonly keeping: TraceKeeping;
  /** Where the shadow series are registered (the gateway's own registry). */
  readonly registry?: Registry;
  /** Mirrored requests waiting or in flight at once; past it new ones are dropped. Default 256. */
  readonly capacity?: number;
  /** Upstream calls in flight at once. Default 16. */
  readonly concurrency?: number;
  /** How long close() lets mirrored calls in flight finish before cutting them. Default 10 s. */
  readonly closeGraceMs?: number;
  readonly clock?: Clock;
  readonly onError?: (e: unknown) => void;
}

export const SHADOW_HEADER = 'x-sluice-shadow';
export const DEFAULT_SHADOW_MAX_PER_MINUTE = 600;

/** Why a mirror was not made although the request was selected for it. */
export type ShadowDropReason = 'rate_limit' | 'queue_full' | 'closed';

/**
 * Whether a request is mirrored: a hash of its id against the shadow's share,
 * so the choice is fixed per request and independent of the canary's draw.
 */
export function shadowSelected(requestId: string, percent: number): boolean {
  if (!(percent > 0)) return false;
  if (percent >= 100) return true;
  const h = createHash('sha256').update(`shadow\0${requestId}`).digest().readUInt32BE(0);
  return (h / 2 ** 32) * 100 < percent;
}

/** The serve request for the shadow call: the stable's request, marked as shadow, tools stripped when asked. */
export function shadowRequest(
  request: Omit<ServeRequest, 'signal'>,
  opts: { stripTools: boolean; signal?: AbortSignal },
): ServeRequest {
  const { extra, upstreamHeaders, ...rest } = request;
  return {
    ...rest,
    ...(extra ? { extra: opts.stripTools ? withoutTools(extra) : extra } : {}),
    upstreamHeaders: { ...upstreamHeaders, [SHADOW_HEADER]: '1' },
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}

/** The request's fields without its tools (shadow.strip_tools): the shadow call cannot call anything. */
function withoutTools(extra: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const { tools: _t, tool_choice: _c, parallel_tool_calls: _p, ...rest } = extra;
  return rest;
}

interface Job {
  readonly f: Finished;
  readonly request: Omit<ServeRequest, 'signal'>;
}

/**
 * Shadow traffic: after the stable arm answered a request successfully, the
 * same request is served again by the route's shadow release, off the
 * response path, and the two answers are stored as a pair. The shadow's
 * answer is never returned to anyone. Its upstream call carries
 * `x-sluice-shadow: 1` so side-effecting services can dry-run.
 *
 * `offer` is synchronous and never throws. Spend is capped by a token bucket
 * (`maxPerMinute` tokens, refilled continuously at that rate), and the work
 * waiting or in flight by `capacity`; a request past either is dropped and
 * counted. Pairs are written in batches through a bounded queue.
 */
export class ShadowMirror {
  private readonly bucket: TokenBucket;
  private readonly stripTools: boolean;
  private readonly capacity: number;
  private readonly concurrency: number;
  private readonly now: () => number;
  private readonly serving: ServeDeps;
  private readonly onError: (e: unknown) => void;
  private readonly sink: BatchQueue<RawShadowPair>;
  private readonly waiting: Job[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private closed = false;
  private readonly counts = { mirrored: 0, failed: 0, dropped: 0 };
  private readonly requests: Counter<'route' | 'outcome'> | undefined;
  private readonly drops: Counter<'reason'> | undefined;

  constructor(private readonly opts: ShadowMirrorOptions) {
    const clock = opts.clock ?? systemClock;
    this.now = () => clock.now();
    this.serving = { providers: opts.providers };
    const perMinute = opts.maxPerMinute ?? DEFAULT_SHADOW_MAX_PER_MINUTE;
    if (!(Number.isFinite(perMinute) && perMinute > 0))
      throw new RangeError(`shadow max requests per minute must be a positive number, got ${perMinute}`);
    this.bucket = new TokenBucket(perMinute, 60_000, this.now());
    this.stripTools = opts.stripTools ?? false;
    this.capacity = opts.capacity ?? 256;
    this.concurrency = opts.concurrency ?? 16;
    this.onError = opts.onError ?? (() => {});
    // Pairs are queued raw and redacted as a batch is written, by the same conversion traces go through (record.ts).
    this.sink = new BatchQueue<RawShadowPair>(
      (batch) => opts.store.insertShadowPairs(batch.map((p) => toShadowPairRecord(p, opts.keeping))),
      {
        capacity: 10_000,
        batchSize: 200,
        flushMs: 200,
        onError: this.onError,
      },
    );
    const registers = opts.registry ? [opts.registry] : undefined;
    if (registers) {
      this.requests = new Counter({
        name: 'sluice_gateway_shadow_requests_total',
        help: 'Requests mirrored to a shadow release, by outcome (ok: pair stored, error: the shadow call failed)',
        labelNames: ['route', 'outcome'],
        registers,
      });
      this.drops = new Counter({
        name: 'sluice_gateway_shadow_dropped_total',
        help: 'Requests selected for shadow mirroring but not mirrored (rate_limit: shadow.max_requests_per_minute reached)',
        labelNames: ['reason'],
        registers,
      });
      const depth = () => this.waiting.length + this.running.size;
      new Gauge({
        name: 'sluice_gateway_shadow_queue_depth',
        help: 'Mirrored requests waiting or in flight',
        registers,
        collect() {
          this.set(depth());
        },
      });
    }
  }

  /** Mirrors, stored pairs and drops so far. */
  get stats(): {
    readonly mirrored: number;
    readonly failed: number;
    readonly dropped: number;
    readonly pending: number;
  } {
    return { ...this.counts, pending: this.waiting.length + this.running.size + this.sink.depth };
  }

  /**
   * Called for every finished request; mirrors it when it was a successful
   * answer of the stable arm of a route with a shadow, selected by its share
   * and allowed by the cap.
   */
  offer(f: Finished): void {
    try {
      const shadow = f.entry.shadow;
      if (!shadow || f.arm !== 'stable' || f.status !== 200 || f.error || !f.request) return;
      if (shadow.release.id === f.release.id || !shadowSelected(f.id, shadow.percent)) return;
      if (this.closed) {
        this.drop('closed');
        return;
      }
      if (this.waiting.length + this.running.size >= this.capacity) {
        this.drop('queue_full');
        return;
      }
      const now = this.now();
      if (this.bucket.available(now) < 1) {
        this.drop('rate_limit');
        return;
      }
      this.bucket.take(1, now);
      this.waiting.push({ f, request: f.request });
      this.pump();
    } catch (e) {
      this.onError(e);
    }
  }

  /** Waits for the mirrors waiting or in flight, then writes every pair. */
  async flush(): Promise<void> {
    while (this.waiting.length > 0 || this.running.size > 0) {
      if (this.running.size === 0) this.pump();
      await Promise.allSettled([...this.running]);
    }
    await this.sink.flush();
  }

  /** Takes no more; lets calls in flight finish (cut after the grace), drops what waits, writes the pairs. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      const left = this.waiting.splice(0);
      if (left.length > 0) this.drop('closed', left.length);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.opts.closeGraceMs ?? 10_000)));
      await Promise.race([Promise.allSettled([...this.running]), grace]);
      clearTimeout(timer);
      this.abort.abort(new Error('the gateway is shutting down'));
      await Promise.allSettled([...this.running]);
    }
    await this.sink.close();
  }

  private drop(reason: ShadowDropReason, n = 1): void {
    this.counts.dropped += n;
    this.drops?.labels(reason).inc(n);
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const p: Promise<void> = this.mirror(job)
        .catch((e: unknown) => this.onError(e))
        .finally(() => {
          this.running.delete(p);
          this.pump();
        });
      this.running.add(p);
    }
  }

  private async mirror({ f, request }: Job): Promise<void> {
    const shadow = f.entry.shadow!;
    const route = f.entry.route;
    // A misconfigured shadow (an unknown provider) throws; it fails like a provider failure.
    const outcome = await serve(
      shadow.release,
      shadowRequest(request, { stripTools: this.stripTools, signal: this.abort.signal }),
      this.serving,
    ).catch(() => undefined);
    if (!outcome?.ok) {
      // A failing shadow says nothing the user saw; it is counted, not stored as a pair.
      this.counts.failed++;
      this.requests?.labels(route, 'error').inc();
      return;
    }
    const answer = outcome.value;
    this.counts.mirrored++;
    this.requests?.labels(route, 'ok').inc();
    this.sink.push({
      id: f.id,
      route,
      stableRelease: f.release.id,
      shadowRelease: shadow.release.id,
      slice: f.slice ?? null,
      stickyKey: f.stickyKey ?? null,
      input: f.input ?? answer.input,
      stableOutput: f.output,
      shadowOutput: answer.text,
      stableLatencyMs: f.latencyMs,
      shadowLatencyMs: answer.latencyMs,
      stableCostUsd: f.costUsd,
      shadowCostUsd: answer.costUsd,
      createdAt: new Date().toISOString(),
    });
  }
}
