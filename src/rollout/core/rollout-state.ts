import type { DecisionKind } from '../../audit/envelope/in-toto.js';
import type { PrometheusMonitorConfig } from '../../config/prometheus-schema.js';
import { BUILTIN_MONITOR_KEYS, type RolloutConfig } from '../../config/sluice-schema.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';
import { EXTERNAL_QUERIES, type ArmQueries, type ExternalMonitorSpec } from './external-monitors.js';
import type { MonitorSnapshot } from './monitors.js';
import { defaultQualitySamples } from './quality-samples.js';

/**
 * What a rollout is (spec, fixed when it starts) and what has happened to it
 * (status, written once per controller tick). The phase is not stored: it is
 * computed from the status by `computePhase`, so there is no flag that can
 * disagree with the rest of the record. All times are epoch milliseconds from
 * the injected clock.
 */

/** Monitor thresholds (the `rollout.monitors` section of sluice.yaml). */
export interface MonitorThresholds {
  /** Ceiling on the canary's error rate, a fraction. */
  readonly errorRate: number;
  /** Ceiling on canary p95 latency / stable p95 latency. */
  readonly latencyP95Ratio: number;
  /** Ceiling on canary cost per request / stable cost per request. */
  readonly costRatio: number;
  /** Largest tolerated drop of judged quality (canary − stable); null when no judge samples the route. */
  readonly qualityDrop: number | null;
  /** Largest tolerated canary − stable error rate. */
  readonly errorRateIncrease: number;
  /** Each monitor's error rate per step, however often it is read (its sequences' 1 − coverage). */
  readonly alpha: number;
  /** Judged canary answers a step plans for (rollout.quality_samples). */
  readonly qualitySamples: number;
}

export interface RolloutSpec {
  readonly route: string;
  readonly rolloutId: string;
  readonly stable: ReleaseId;
  readonly candidate: ReleaseId;
  /** Canary weights in percent, increasing, ending at 100. */
  readonly steps: readonly number[];
  readonly dwellSeconds: number;
  /** Canary requests each step must serve before it can end. */
  readonly minRequests: number;
  /** Length of one monitor interval. */
  readonly intervalSeconds: number;
  readonly monitors: MonitorThresholds;
  /** Monitors read from Prometheus beside Sluice's own (absent in specs stored before them). */
  readonly external?: readonly ExternalMonitorSpec[];
  /** How long the previous stable stays warm after promotion, for a fast rollback. */
  readonly rollbackWindowSeconds: number;
  /**
   * Percent of the route's traffic kept on the previous stable after promotion (observe.holdback × 100):
   * its judged answers are the promoted release's quality reference. 0: none.
   */
  readonly holdbackPercent: number;
}

/** Who did something, why, and when. `by` is a person or `controller`. */
export interface Mark {
  readonly by: string;
  readonly reason: string;
  readonly at: number;
}

export type RolloutEventKind = DecisionKind | 'ignored';

export interface RolloutEvent {
  readonly at: number;
  readonly kind: RolloutEventKind;
  /** Step index when the event happened. */
  readonly step: number;
  /** Canary weight after the event. */
  readonly weight: number;
  readonly message: string;
}

export interface RolloutStatus {
  /** The spec this status belongs to. */
  readonly rolloutId: string;
  /** null until the first tick starts the rollout. */
  readonly startedAt: number | null;
  /** The step index the rollout last transitioned to. Only ever grows, by one. */
  readonly stepIndex: number;
  readonly stepStartedAt: number | null;
  /** The canary request counter (`Observation.canaryRequestsTotal`) when the current step began. */
  readonly stepRequestsBase: number;
  readonly paused: Mark | null;
  readonly aborted: Mark | null;
  readonly promotedAt: number | null;
  readonly rolledBackAt: number | null;
  /** Why the rollout was rolled back (a monitor breach or an operator's reason). */
  readonly haltReason: string | null;
  readonly lastMonitors: MonitorSnapshot | null;
  /** Highest operator command sequence number consumed; a command at or below it is a replay. */
  readonly commandSeq: number;
  /** Bounded to MAX_EVENTS, newest last. */
  readonly events: readonly RolloutEvent[];
}

export const MAX_EVENTS = 50;
export const DEFAULT_ROLLBACK_WINDOW_SECONDS = 3600;

/** The status of a rollout that has not had its first tick. */
export function initialStatus(spec: RolloutSpec): RolloutStatus {
  return {
    rolloutId: spec.rolloutId,
    startedAt: null,
    stepIndex: 0,
    stepStartedAt: null,
    stepRequestsBase: 0,
    paused: null,
    aborted: null,
    promotedAt: null,
    rolledBackAt: null,
    haltReason: null,
    lastMonitors: null,
    commandSeq: 0,
    events: [],
  };
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`rollout spec: ${message}`);
}

/** Throws a RangeError naming the first unusable field. */
export function validateSpec(spec: RolloutSpec): void {
  check(spec.route.length > 0, 'route is empty');
  check(spec.rolloutId.length > 0, 'rolloutId is empty');
  check(spec.stable !== spec.candidate, 'candidate is the stable release');
  const s = spec.steps;
  check(s.length > 0, 'steps is empty');
  check(
    s.every((v, i) => Number.isInteger(v) && v >= 1 && v <= 100 && (i === 0 || v > s[i - 1]!)),
    'steps must be increasing integers in 1..100',
  );
  check(s[s.length - 1] === 100, 'the last step must be 100');
  check(Number.isFinite(spec.dwellSeconds) && spec.dwellSeconds >= 0, 'dwellSeconds must be ≥ 0');
  check(Number.isInteger(spec.minRequests) && spec.minRequests >= 0, 'minRequests must be an integer ≥ 0');
  check(Number.isFinite(spec.intervalSeconds) && spec.intervalSeconds > 0, 'intervalSeconds must be > 0');
  check(
    Number.isFinite(spec.rollbackWindowSeconds) && spec.rollbackWindowSeconds >= 0,
    'rollbackWindowSeconds must be ≥ 0',
  );
  check(
    Number.isFinite(spec.holdbackPercent) && spec.holdbackPercent >= 0 && spec.holdbackPercent <= 50,
    'holdbackPercent must be in [0, 50]',
  );
  const m = spec.monitors;
  check(m.errorRate >= 0 && m.errorRate <= 1, 'monitors.errorRate must be in [0, 1]');
  check(Number.isFinite(m.latencyP95Ratio) && m.latencyP95Ratio > 0, 'monitors.latencyP95Ratio must be > 0');
  check(Number.isFinite(m.costRatio) && m.costRatio > 0, 'monitors.costRatio must be > 0');
  check(
    m.qualityDrop === null || (m.qualityDrop >= 0 && m.qualityDrop <= 1),
    'monitors.qualityDrop must be in [0, 1] or null',
  );
  check(m.errorRateIncrease >= 0 && m.errorRateIncrease <= 1, 'monitors.errorRateIncrease must be in [0, 1]');
  check(m.alpha > 0 && m.alpha < 1, 'monitors.alpha must be in (0, 1)');
  check(Number.isInteger(m.qualitySamples) && m.qualitySamples >= 1, 'monitors.qualitySamples must be an integer ≥ 1');
  for (const x of spec.external ?? []) {
    check(Number.isFinite(x.max) && x.max > 0, `external monitor ${x.name}: max must be > 0`);
    check(!(x.kind === 'error_rate' && x.max > 1), `external monitor ${x.name}: an error rate ceiling must be ≤ 1`);
    for (const q of EXTERNAL_QUERIES[x.kind])
      check(x.queries[q] !== undefined, `external monitor ${x.name}: no ${q} query`);
  }
}

/** Throws when a status does not belong to the spec or points past its steps. */
export function assertStatusFits(spec: RolloutSpec, status: RolloutStatus): void {
  if (status.rolloutId !== spec.rolloutId) {
    throw new RangeError(`status belongs to rollout ${status.rolloutId}, not ${spec.rolloutId}`);
  }
  if (!Number.isInteger(status.stepIndex) || status.stepIndex < 0 || status.stepIndex >= spec.steps.length) {
    throw new RangeError(`status step index ${status.stepIndex} is outside the ${spec.steps.length} steps`);
  }
}

export interface SpecInput {
  readonly route: string;
  readonly rolloutId: string;
  readonly stable: ReleaseId;
  readonly candidate: ReleaseId;
  readonly config: RolloutConfig;
  /** Whether a judge samples the route's answers (false: no quality monitor). */
  readonly qualityMonitored: boolean;
  readonly rollbackWindowSeconds?: number;
  /** observe.holdback × 100. Default 0. */
  readonly holdbackPercent?: number;
}

type QueryConfig = string | { readonly canary: string; readonly stable: string };
const perArm = (q: QueryConfig): { canary: string; stable: string } =>
  typeof q === 'string' ? { canary: q, stable: q } : { canary: q.canary, stable: q.stable };

/** The Prometheus monitors among `rollout.monitors` (every key that is not a built-in threshold). */
export function externalFromConfig(monitors: RolloutConfig['monitors']): ExternalMonitorSpec[] {
  const out: ExternalMonitorSpec[] = [];
  for (const [name, value] of Object.entries(monitors)) {
    if ((BUILTIN_MONITOR_KEYS as readonly string[]).includes(name)) continue;
    const m = value as PrometheusMonitorConfig;
    const queries: Record<string, ArmQueries> =
      m.kind === 'error_rate' ? { errors: perArm(m.errors), requests: perArm(m.requests) } : { value: perArm(m.query) };
    out.push({ name, kind: m.kind, max: m.max, onBreach: m.on_breach, queries });
  }
  return out;
}

/** A validated spec from the `rollout:` section of sluice.yaml. */
export function specFromConfig(input: SpecInput): RolloutSpec {
  const { config } = input;
  const spec: RolloutSpec = {
    route: input.route,
    rolloutId: input.rolloutId,
    stable: input.stable,
    candidate: input.candidate,
    steps: [...config.steps],
    dwellSeconds: config.dwell_seconds,
    minRequests: config.min_requests,
    intervalSeconds: config.interval_seconds,
    monitors: {
      errorRate: config.monitors.error_rate,
      latencyP95Ratio: config.monitors.latency_p95_ratio,
      costRatio: config.monitors.cost_ratio,
      qualityDrop: input.qualityMonitored ? config.monitors.quality_drop : null,
      errorRateIncrease: config.monitors.error_rate_increase,
      alpha: config.alpha,
      qualitySamples: config.quality_samples ?? defaultQualitySamples(config.monitors.quality_drop, config.alpha),
    },
    rollbackWindowSeconds: input.rollbackWindowSeconds ?? DEFAULT_ROLLBACK_WINDOW_SECONDS,
    holdbackPercent: input.holdbackPercent ?? 0,
  };
  const external = externalFromConfig(config.monitors);
  if (external.length > 0) Object.assign(spec, { external });
  validateSpec(spec);
  return spec;
}
