import { rateLogEvidence, rateSequence } from '../../stats/confidence-sequence.js';
import type { MonitorResult, MonitorStatus } from './monitors.js';

/**
 * Monitors fed by numbers from outside Sluice: a Prometheus query per arm,
 * read over the step (the edge substitutes the release and the step's span
 * into the queries and hands the core numbers, never a client).
 *
 * Two kinds, with different guarantees:
 *
 * - error_rate: each arm's query pair gives counts (errors, requests) over
 *   the whole step so far. The canary's counts go through the same Robbins
 *   beta-binomial confidence sequence as Sluice's own error_rate monitor,
 *   against the ceiling `max`, so a fail or a pass has the same anytime-valid
 *   guarantee (≤ alpha per step, however often it is read) — provided the
 *   counts are of independent requests and each reading covers the step from
 *   its start. Prometheus' increase() extrapolates, so counts are rounded.
 *   Critical: a fail rolls back.
 * - ratio: each arm's query gives one value (a p95 from a histogram, a
 *   mean latency, a cost rate); the monitor compares canary / stable with
 *   `max`. One number per arm carries no spread, so no interval can be
 *   computed and the comparison has no stated error rate: it is a threshold
 *   on a point estimate, as good as the query's own aggregation. Its fail
 *   pauses by default (`on_breach: pause`, a person looks); `on_breach:
 *   rollback` makes it halt like a built-in monitor.
 *
 * A reading that failed (Prometheus down, an error answer, no series, more
 * than one series, a credential missing from the environment) is
 * inconclusive: it never passes and never fails, so the step cannot end on
 * it and, at the step's deadline, the rollout pauses with the reason.
 */

export type ExternalMonitorName = `prometheus:${string}`;
export type ExternalMonitorKind = 'error_rate' | 'ratio';

/** One arm's PromQL queries, before the release and window are substituted. */
export interface ArmQueries {
  readonly canary: string;
  readonly stable: string;
}

export interface ExternalMonitorSpec {
  /** The key in rollout.monitors. */
  readonly name: string;
  readonly kind: ExternalMonitorKind;
  /** error_rate: the ceiling on the canary's error rate; ratio: the ceiling on canary / stable. */
  readonly max: number;
  /** What a fail does: roll back (as a built-in monitor) or pause for a person. */
  readonly onBreach: 'rollback' | 'pause';
  /** error_rate: `errors` and `requests`; ratio: `value`. */
  readonly queries: Readonly<Record<string, ArmQueries>>;
}

/** The numbers one external monitor read for the step, or why it could not. */
export type ExternalReading =
  | {
      readonly name: string;
      readonly ok: true;
      readonly canary: Readonly<Record<string, number>>;
      readonly stable: Readonly<Record<string, number>>;
    }
  | { readonly name: string; readonly ok: false; readonly error: string };

/** The queries each kind needs. */
export const EXTERNAL_QUERIES: Readonly<Record<ExternalMonitorKind, readonly string[]>> = {
  error_rate: ['errors', 'requests'],
  ratio: ['value'],
};

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

export const externalName = (name: string): ExternalMonitorName => `prometheus:${name}`;

function build(
  spec: ExternalMonitorSpec,
  status: MonitorStatus,
  value: number | null,
  detail: string,
  facts: Record<string, number | null>,
): MonitorResult {
  return {
    name: externalName(spec.name),
    value,
    threshold: spec.max,
    status,
    critical: spec.kind === 'error_rate' && spec.onBreach === 'rollback',
    detail,
    facts: { lower: null, upper: null, e_value: null, needed: null, ...facts },
    ...(spec.onBreach === 'pause' ? { onFail: 'pause' as const } : {}),
    ...(spec.kind === 'ratio' ? { comparative: true } : {}),
  };
}

function errorRate(
  spec: ExternalMonitorSpec,
  alpha: number,
  canary: Readonly<Record<string, number>>,
  stable: Readonly<Record<string, number>>,
): MonitorResult {
  const count = Math.round(canary.requests ?? Number.NaN);
  const errors = Math.min(count, Math.round(canary.errors ?? Number.NaN));
  const stableN = Math.round(stable.requests ?? Number.NaN);
  const stableErrors = Math.round(stable.errors ?? Number.NaN);
  const base = {
    count,
    errors,
    stable_n: Number.isFinite(stableN) ? stableN : null,
    stable_errors: Number.isFinite(stableErrors) ? stableErrors : null,
    alpha,
  };
  if (!(Number.isFinite(count) && count >= 0 && Number.isFinite(errors) && errors >= 0)) {
    return build(spec, 'inconclusive', null, 'Prometheus gave no usable counts (errors and requests ≥ 0)', base);
  }
  const prior = { a: 1, b: spec.max > 0 ? Math.max(1, 2 / spec.max - 1) : 1 };
  const cs = rateSequence(errors, count, { alpha, ...prior });
  const status: MonitorStatus = cs.lower > spec.max ? 'fail' : cs.upper <= spec.max ? 'pass' : 'inconclusive';
  const rate = count > 0 ? errors / count : null;
  const e = Math.exp(rateLogEvidence(errors, count, Math.min(1, Math.max(0, spec.max)), prior.a, prior.b));
  const word = status === 'fail' ? 'beyond' : status === 'pass' ? 'within' : 'straddles';
  const detail = `Prometheus canary error rate ${rate === null ? '–' : fmt(rate)} (${errors}/${count}), ${fmt(100 * (1 - alpha))}% sequence [${fmt(cs.lower)}, ${fmt(cs.upper)}] ${word} the ceiling ${spec.max}`;
  return build(spec, status, rate, detail, { ...base, lower: cs.lower, upper: cs.upper, e_value: Math.min(1e12, e) });
}

function ratio(
  spec: ExternalMonitorSpec,
  canary: Readonly<Record<string, number>>,
  stable: Readonly<Record<string, number>>,
): MonitorResult {
  const c = canary.value ?? Number.NaN;
  const s = stable.value ?? Number.NaN;
  const base = { canary_value: Number.isFinite(c) ? c : null, stable_value: Number.isFinite(s) ? s : null };
  if (!(Number.isFinite(c) && Number.isFinite(s))) {
    return build(spec, 'inconclusive', null, 'Prometheus gave no number for an arm (NaN or missing)', base);
  }
  if (s <= 0) {
    return build(spec, 'inconclusive', null, `stable value ${fmt(s)}: no ratio to take`, base);
  }
  const r = c / s;
  const status: MonitorStatus = r > spec.max ? 'fail' : 'pass';
  const detail = `Prometheus ratio ${fmt(r)} (canary ${fmt(c)} / stable ${fmt(s)}) ${status === 'fail' ? 'above' : 'within'} the ceiling ${spec.max}; a point estimate, no interval`;
  return build(spec, status, r, detail, base);
}

/** Each external monitor's result from its reading; a missing or failed reading is inconclusive. */
export function evaluateExternal(
  specs: readonly ExternalMonitorSpec[],
  readings: readonly ExternalReading[],
  alpha: number,
): MonitorResult[] {
  return specs.map((spec) => {
    const reading = readings.find((r) => r.name === spec.name);
    if (!reading) return build(spec, 'inconclusive', null, 'no Prometheus reading this tick', {});
    if (!reading.ok) return build(spec, 'inconclusive', null, `Prometheus unavailable: ${reading.error}`, {});
    return spec.kind === 'error_rate'
      ? errorRate(spec, alpha, reading.canary, reading.stable)
      : ratio(spec, reading.canary, reading.stable);
  });
}
