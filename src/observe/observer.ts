import { randomUUID } from 'node:crypto';
import { AUDIT_LOCK, type Ledger } from '../audit/ledger/ledger.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { recordDrafts } from '../rollout/store-ports.js';
import type { Finished } from '../gateway/http/chat.js';
import type { FinishedSink } from '../gateway/sinks/finished-sink.js';
import { judgeSetOf, type JudgeSet, type JudgeSetup } from '../judging/judge-set.js';
import { scoreAnswer } from '../judging/score.js';
import type { ToolCall } from '../kernel/tool-calls.js';
import { responseSchemaOf } from '../judging/response-schema.js';
import { lastUserText } from '../kernel/chat.js';
import { ROOT_SLICE } from '../kernel/slice-tree.js';
import { aggregateWindows, fillSeries, windowMs, windowStart } from './core/windows.js';
import { heldBoundary, maxHoldMs, unreadRange } from './core/settled-windows.js';
import { bandSpecFromConfig, type WindowEvaluation } from './core/band.js';
import type { Notify } from '../notify/notify-event.js';
import type { ObserverReading } from '../rollout/core/analysis-verdict.js';
import type { DriftState } from './core/drift-detector.js';
import { driftSpecFromConfig, evaluateSeries } from './core/evaluate-series.js';
import {
  decideRelease,
  observeRollbackDecision,
  observeRollbackKey,
  seriesPoint,
  type SliceDecision,
} from './core/observer-decision.js';
import type { ObserverMetrics } from './observer-metrics.js';
import type { EvaluationSink } from './evaluation-sink.js';
import { scoredSample } from './core/sample.js';
import { ObserveSampler } from './core/sampler.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { ReleaseId } from '../release/resolved-manifest.js';
import type { ObserveSampleRecord, Store } from '../store/store.js';
import { BatchQueue } from '../kernel/batch-queue.js';
import { canaryJudgeRate, canaryStepKey } from '../rollout/core/canary-judging.js';
import { defaultQualitySamples } from '../rollout/core/quality-samples.js';
import { type Clock, systemClock } from '../kernel/clock.js';

interface Answer {
  readonly id: string;
  readonly at: number;
  readonly route: string;
  readonly release: ReleaseId;
  readonly slice: string;
  readonly input: string;
  readonly output: string;
  readonly toolCalls?: readonly ToolCall[];
  readonly responseSchema?: Readonly<Record<string, unknown>>;
}

/** With the judge setup: sluice.yaml, the project folder, its providers and (optionally) its built judge set. */
export interface ObserverOptions extends JudgeSetup {
  readonly store: Store;
  readonly config: SluiceConfig;
  readonly providers: ProviderRegistry;
  readonly ledger: Ledger;
  readonly clock?: Clock;
  readonly onError?: (e: unknown) => void;
  /** Judge calls at once (default 4); a failing judge never slows the gateway. */
  readonly concurrency?: number;
  readonly maxJudgeCallsPerWindow?: number;
  /** Told about alerts and rollbacks; returns at once. */
  readonly notify?: Notify;
  /** After a rollback command is queued: make the controller act on it now. */
  readonly onRollback?: (route: string) => Promise<void>;
}

export interface ObserverAlert {
  readonly route: string;
  readonly release: string;
  readonly reason: string;
  readonly at: number;
}

/** What the observer keeps per decision: a route and the stable release it judges. */
const decidedKey = (route: string, release: ReleaseId): string => `${route}/${release}`;

/** One slice of a watched release: the drift detector's state and the evaluated windows kept for receipts. */
interface SliceWatch {
  readonly state: DriftState;
  readonly evaluations: readonly WindowEvaluation[];
  /** Start of the next window to fold in. */
  readonly next: number;
}

/** A watched release on a route: the boundary its windows have been read to, and its slices. */
interface Watch {
  readonly before: number;
  readonly slices: ReadonlyMap<string, SliceWatch>;
  /** The previous stable held back on the route (observe.holdback), whose judged answers are the reference; else null. */
  readonly holdback: ReleaseId | null;
}

/** Evaluated windows kept per slice for the rollback's series (the detector's state holds the rest). */
const KEPT_WINDOWS = 120;
/** Windows read back when a release is first watched (a restart, a promotion): its reference and recent evidence. */
const FIRST_READ_WINDOWS = 120;

/**
 * The observer in `sluice serve`: samples answers off the request path, scores
 * them with the gate's judge and detectors behind a bounded queue, and each
 * tick folds the stable release's newly settled windows into its drift
 * detector (core/drift-detector.ts: CUSUMs against the release's own
 * production quality, the min_quality floor and the detectors' ceilings);
 * a drift that persisted `consecutive` windows rolls the route back (one
 * receipt, holding the window series and the detector's statistic).
 *
 * The detector's state lives in memory. When a release is first watched (a
 * promotion, a restart) the observer reads back its last FIRST_READ_WINDOWS
 * windows of samples — canary steps included — to measure the reference and
 * rebuild the statistics, then reads each settled window once.
 */
export class Observer implements FinishedSink {
  readonly sampler: ObserveSampler<Answer>;
  readonly alerts: ObserverAlert[] = [];
  readonly rolledBack = new Set<string>();
  /** The latest decision per route and release, for the analysis endpoint. */
  private readonly decided = new Map<string, { action: 'none' | 'alert' | 'rollback'; reason: string }>();
  private readonly judges: JudgeSet;
  private readonly now: () => number;
  private working = 0;
  private draining: Promise<void> = Promise.resolve();
  /** Per route and stable release: the drift detector's state per slice, fed each settled window once. */
  private readonly watches = new Map<string, Watch>();
  /** Answers sampled and not yet stored, by the start of their window: the windows they belong to wait for them. */
  private readonly pending = new Map<number, number>();
  /** The boundary the last decisions looked at: a sample of an earlier window stored after it is late (not counted). */
  private readBefore = -Infinity;
  /** Samples stored after their window had been read (their judge took longer than the longest hold). */
  lateSamples = 0;
  /** Scored samples on their way to the store, written in batches (a write per sample would hold up the gateway). */
  private readonly samples: BatchQueue<ObserveSampleRecord>;
  /** The rate canary answers are judged at during a rollout (rollout.quality_samples over min_requests). */
  readonly canaryRate: number;
  /** Canary answers queued for judging per rollout step, against rollout.max_judge_calls_per_step. */
  private readonly canaryCalls = new Map<string, number>();

  constructor(private readonly o: ObserverOptions) {
    const { config } = o;
    const clock = o.clock ?? systemClock;
    this.now = () => clock.now();
    this.judges = judgeSetOf(o);
    this.samples = new BatchQueue<ObserveSampleRecord>(
      async (batch) => {
        await o.store.insertObserveSamples(batch);
        for (const r of batch) this.stored(r.at);
      },
      { batchSize: 200, flushMs: 200, onError: (e) => o.onError?.(e) },
    );
    const r = config.rollout;
    this.canaryRate = canaryJudgeRate(
      r.quality_samples ?? defaultQualitySamples(r.monitors.quality_drop, r.alpha),
      r.min_requests,
    );
    this.sampler = new ObserveSampler<Answer>({
      sampleRate: config.observe.sample_rate,
      minPerWindow: config.observe.min_samples_per_window,
      windowSeconds: config.observe.window_seconds,
      queueCapacity: 1000,
      ...((o.maxJudgeCallsPerWindow ?? config.observe.max_judge_calls_per_window) !== undefined
        ? { maxJudgeCallsPerWindow: o.maxJudgeCallsPerWindow ?? config.observe.max_judge_calls_per_window! }
        : {}),
    });
  }

  private metrics: ObserverMetrics | undefined;
  private evaluations: EvaluationSink | undefined;

  /** Publishes the observer's series on a metrics registry (the gateway's /metrics). */
  useMetrics(m: ObserverMetrics): void {
    this.metrics = m;
  }

  /** Reports every judged answer there too (OpenTelemetry `gen_ai.evaluation.result` events). */
  useEvaluations(sink: EvaluationSink): void {
    this.evaluations = sink;
  }

  /** Called for every finished gateway request; cheap and synchronous. */
  offer(f: Finished): void {
    if (f.status !== 200 || (!f.output && !f.toolCalls) || f.endpoint === 'embeddings') return;
    const at = this.now();
    const answer = (): Answer => ({
      id: f.id,
      at,
      route: f.entry.route,
      release: f.release.id,
      slice: f.slice ?? ROOT_SLICE,
      // What the gateway served the model: the user's text after the release's preprocessing.
      input: f.input ?? lastUserText(f.messages),
      output: f.output,
      ...(f.toolCalls ? { toolCalls: f.toolCalls } : {}),
      ...responseSchemaOf(f.request?.extra),
    });
    const canary = f.arm === 'canary' && f.entry.rolloutId !== null;
    const step = canary ? canaryStepKey(f.entry.rolloutId!, f.entry.weight) : '';
    const cap = this.o.config.rollout.max_judge_calls_per_step;
    if (canary && cap !== undefined && (this.canaryCalls.get(step) ?? 0) >= cap) {
      this.metrics?.sampled('skipped');
      return;
    }
    const rate = canary ? Math.max(this.canaryRate, this.o.config.observe.sample_rate) : undefined;
    const outcome = this.sampler.offerLazy(f.id, answer, at, rate);
    this.metrics?.sampled(outcome);
    if (outcome !== 'queued') return;
    if (canary) this.canaryCalls.set(step, (this.canaryCalls.get(step) ?? 0) + 1);
    const w = windowStart(at, this.o.config.observe.window_seconds);
    this.pending.set(w, (this.pending.get(w) ?? 0) + 1);
    this.pump();
  }

  /** An answer sampled at `at` will never be stored: its window stops waiting for it. */
  private forget(at: number): void {
    const w = windowStart(at, this.o.config.observe.window_seconds);
    const n = (this.pending.get(w) ?? 0) - 1;
    if (n > 0) this.pending.set(w, n);
    else this.pending.delete(w);
  }

  /** An answer sampled at `at` is in the store; late if its window was read before. */
  private stored(at: number): void {
    this.forget(at);
    if (at < this.readBefore) {
      this.lateSamples++;
      this.metrics?.late();
    }
  }

  /** The window start of the oldest answer not yet stored, if any. */
  private oldestPending(): number | undefined {
    let oldest: number | undefined;
    for (const w of this.pending.keys()) if (oldest === undefined || w < oldest) oldest = w;
    return oldest;
  }

  private pump(): void {
    while (this.working < (this.o.concurrency ?? 4) && this.sampler.queue.size > 0) {
      const a = this.sampler.queue.take()!;
      this.working++;
      const p = this.score(a)
        .catch((e) => {
          this.forget(a.at);
          this.o.onError?.(e);
        })
        .finally(() => {
          this.working--;
          this.pump();
        });
      this.draining = this.draining.then(() => p);
    }
  }

  private async score(a: Answer): Promise<void> {
    const scored = await scoreAnswer(this.judges, {
      input: a.input,
      output: a.output,
      slice: a.slice,
      ...(a.toolCalls ? { toolCalls: a.toolCalls } : {}),
      ...(a.responseSchema ? { responseSchema: a.responseSchema } : {}),
    });
    const s = scoredSample({ at: a.at, route: a.route, release: a.release, slice: a.slice }, scored);
    this.evaluations?.judged({
      id: a.id,
      route: a.route,
      release: a.release,
      slice: a.slice,
      ...(this.judges.judge ? { judge: this.judges.judge.name } : {}),
      score: scored,
    });
    const queued = this.samples.push({
      id: a.id || randomUUID(),
      route: s.route,
      releaseId: s.release,
      slice: s.slice,
      at: s.at,
      quality: s.quality,
      judgeError: s.judgeError,
      flags: s.flags,
    });
    if (!queued) this.forget(a.at); // dropped by a full or closed queue (counted there)
  }

  /** Waits until every queued answer is scored and stored (tests, shutdown); a failing store is reported, not thrown. */
  async drain(): Promise<void> {
    while (this.working > 0 || this.sampler.queue.size > 0) await this.draining;
    await this.samples.flush().catch((e: unknown) => this.o.onError?.(e));
  }

  /** As a gateway sink: closing is draining (the observer keeps no thread or timer of its own). */
  close(): Promise<void> {
    return this.drain();
  }

  /**
   * What this process's observer has seen of a release on a route: its
   * latest decision, and the fewest healthy (`ok`) windows in a row at the
   * end of any slice's series. Null when it has not watched the release.
   * Only the process that holds the controller lease evaluates windows.
   */
  reading(route: string, release: ReleaseId): ObserverReading | null {
    const key = decidedKey(route, release);
    const watch = this.watches.get(key);
    const rolledBack = this.rolledBack.has(key);
    if (!watch && !rolledBack) return null;
    const last = this.decided.get(key);
    let healthy = Number.POSITIVE_INFINITY;
    for (const s of watch?.slices.values() ?? []) {
      let run = 0;
      for (let i = s.evaluations.length - 1; i >= 0 && s.evaluations[i]!.status === 'ok'; i--) run++;
      healthy = Math.min(healthy, run);
    }
    return {
      action: rolledBack ? 'rollback' : (last?.action ?? 'none'),
      reason: last && last.action !== 'none' ? last.reason : null,
      healthyWindows: Number.isFinite(healthy) ? healthy : 0,
      needed: this.o.config.observe.consecutive,
    };
  }

  /**
   * Feeds each route's stable release its newly settled windows (see
   * settled-windows.ts) and decides: alert, or roll back on a persisting drift.
   */
  async tick(): Promise<SliceDecision[]> {
    const { store, config } = this.o;
    const ws = config.observe.window_seconds;
    const firstSpan = windowMs(ws) * Math.max(FIRST_READ_WINDOWS, config.observe.consecutive + 3);
    const out: SliceDecision[] = [];
    await this.samples.flush().catch((e: unknown) => this.o.onError?.(e)); // this process's samples count in the windows it evaluates
    // Decisions look at windows that have settled by `now`, and whose sampled answers are all stored; each is read once.
    const at = this.now();
    const now = heldBoundary(at, ws, this.oldestPending());
    this.readBefore = Math.max(this.readBefore, now);
    for (const w of this.pending.keys()) if (w < now - maxHoldMs(ws)) this.pending.delete(w); // gone for good (a dropped batch)
    const current = new Set<string>();
    for (const state of await store.getRouteStates()) {
      const release = state.stable;
      const key = decidedKey(state.route, release);
      current.add(key);
      if (this.rolledBack.has(key)) continue;
      const prev = this.watches.get(key);
      const range = unreadRange(prev && { before: prev.before, windows: [] }, now, firstSpan);
      if (!range) continue; // nothing new has settled: the last decision stands
      const holdback = prev ? prev.holdback : await this.holdbackOf(state);
      const windowsOf = async (r: ReleaseId) =>
        aggregateWindows(
          (await store.observeSamples(r, range.from, range.before)).map((s) => ({ ...s, release: r })),
          ws,
        ).filter((w) => w.route === state.route && w.start >= range.from && w.end <= range.before);
      const fresh = await windowsOf(release);
      const reference = holdback ? await windowsOf(holdback) : [];
      const watch = this.advance(state.route, release, prev, fresh, range, holdback, reference);
      const decision = await this.decide(state.route, release, watch, at);
      // Kept only once its decision is carried out: after a failure the next tick takes it again.
      this.watches.set(key, watch);
      if (decision) out.push(decision);
    }
    for (const key of this.watches.keys()) if (!current.has(key)) this.watches.delete(key);
    return out;
  }

  /**
   * The previous stable a promoted release's route still serves a holdback share of (observe.holdback): the
   * route's minority arm, when the route's latest rollout promoted this stable over it with a holdback.
   */
  private async holdbackOf(state: { route: string; stable: ReleaseId; candidate: ReleaseId | null }) {
    if (state.candidate === null) return null;
    const rollout = await this.o.store.latestRollout(state.route);
    const spec = rollout?.spec;
    const promoted = rollout?.status.promotedAt !== null && rollout?.status.promotedAt !== undefined;
    return spec &&
      promoted &&
      spec.holdbackPercent > 0 &&
      spec.candidate === state.stable &&
      spec.stable === state.candidate
      ? state.candidate
      : null;
  }

  /** Folds the windows in [range.from, range.before) into each slice's detector (a slice seen before, or in them). */
  private advance(
    route: string,
    release: ReleaseId,
    prev: Watch | undefined,
    fresh: readonly ReturnType<typeof aggregateWindows>[number][],
    range: { from: number; before: number },
    holdback: ReleaseId | null,
    reference: readonly ReturnType<typeof aggregateWindows>[number][],
  ): Watch {
    const { config } = this.o;
    const ws = config.observe.window_seconds;
    const band = bandSpecFromConfig(config);
    const drift = driftSpecFromConfig(config, holdback ? 'holdback' : 'own');
    const referenceScores = (slice: string) => {
      const byStart = new Map(reference.filter((w) => w.slice === slice).map((w) => [w.start, w.scores]));
      return (start: number) => byStart.get(start) ?? [];
    };
    const names = new Set([...(prev?.slices.keys() ?? []), ...fresh.map((w) => w.slice)]);
    const slices = new Map<string, SliceWatch>();
    for (const slice of names) {
      const before = prev?.slices.get(slice);
      const from = Math.max(before?.next ?? range.from, range.from);
      const series = fillSeries(fresh, { route, release, slice }, from, range.before, ws);
      const { evaluations, state } = evaluateSeries(series, band, drift, before?.state, referenceScores(slice));
      slices.set(slice, {
        state,
        evaluations: [...(before?.evaluations ?? []), ...evaluations].slice(-KEPT_WINDOWS),
        next: range.before,
      });
    }
    return { before: range.before, slices, holdback };
  }

  /** Decides one route's stable release on its slices' evaluated windows, and carries the decision out (alert, rollback command). */
  private async decide(
    route: string,
    release: ReleaseId,
    watch: Watch,
    at: number,
  ): Promise<SliceDecision | undefined> {
    const histories = [...watch.slices.values()].map((s) => s.evaluations).filter((h) => h.length > 0);
    if (histories.length === 0) return undefined;
    const { store, config, ledger } = this.o;
    for (const h of histories) {
      const last = h.at(-1);
      if (last) this.metrics?.window(route, release, last.slice, seriesPoint(last), last.drift);
    }
    const decision = decideRelease(histories, config.observe.consecutive, { alreadyRolledBack: false });
    this.decided.set(decidedKey(route, release), { action: decision.action, reason: decision.reason });
    if (decision.action === 'alert') {
      this.alerts.push({ route, release, reason: decision.reason, at });
      this.metrics?.alerted(route);
      this.o.notify?.({ kind: 'observer-alert', route, release, actor: 'observer', at, message: decision.reason });
    }
    if (decision.action !== 'rollback') return decision;
    const rollout = await store.latestRollout(route);
    const spec = rollout?.spec;
    if (!rollout || !spec || spec.candidate !== release) {
      const reason = `${decision.reason}; no Sluice rollout of this release to roll back (its traffic is shifted elsewhere): the analysis verdict is fail`;
      this.alerts.push({ route, release, reason, at });
      this.o.notify?.({ kind: 'observer-alert', route, release, actor: 'observer', at, message: reason });
      return decision;
    }
    // The same single pointer swap as the controller's: a rollback command on the rollout that promoted this release.
    const receipt = observeRollbackDecision({
      route,
      release,
      decision,
      consecutive: config.observe.consecutive,
      at,
      to: spec.stable,
    });
    const key = observeRollbackKey(route, release);
    await store.transaction(
      async (tx) => {
        const seen = await tx.decisionKeys([key]);
        if (seen.size > 0) return;
        await tx.queueCommand(rollout.rolloutId, { kind: 'rollback', actor: 'observer', reason: decision.reason, at });
        await recordDrafts(tx, ledger, [
          {
            key,
            kind: 'observe-rollback',
            actor: receipt.actor,
            at,
            route,
            subject: release,
            what: receipt.what ?? {},
            why: receipt.why ?? [],
          },
        ]);
      },
      { lock: AUDIT_LOCK },
    );
    this.rolledBack.add(decidedKey(route, release));
    this.o.notify?.({
      kind: 'observe-rollback',
      route,
      release,
      actor: 'observer',
      at,
      message: decision.reason,
      details: { to: spec.stable },
    });
    await this.o.onRollback?.(route);
    return decision;
  }
}
