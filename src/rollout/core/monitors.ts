import { hodgesLehmann, mannWhitneyU, quantile } from '../../stats/index.js';
import type { MonitorThresholds } from './rollout-state.js';

/**
 * Canary analysis for one interval: the canary and the stable arm over the
 * same span of time, one result per monitor, and a Kayenta-like overall score.
 *
 * Rules (each monitor is pass, fail or inconclusive; too little data is
 * inconclusive, never a failure):
 *
 * - error_rate: an absolute ceiling on the canary's errors / requests. The
 *   rate is judged once the canary served m = ⌈1 / ceiling⌉ requests (50 at
 *   0.02), the fewest in which a single error can stay at or under the
 *   ceiling. Below m it fails early only when the errors already seen exceed
 *   ceiling × m — no number of successes up to m could bring the rate back
 *   under the ceiling — and is inconclusive otherwise. A zero ceiling needs one request.
 * - latency_p95_ratio: canary p95 / stable p95 (type-7 quantile of the raw
 *   latencies, or a p95 the edge computed), fail above the ceiling;
 *   inconclusive with fewer than 20 latencies in either arm (1 / (1 − 0.95):
 *   the fewest that put one expected latency above the p95) or a stable p95 of 0.
 * - cost_ratio: canary cost per request / stable cost per request, fail
 *   above the ceiling; inconclusive with fewer than 20 requests in either
 *   arm. Both arms free: ratio 1, pass. Stable free and canary not: the ratio
 *   is unbounded, so it fails (value null).
 * - quality (Kayenta's Mann–Whitney judge): the Mann–Whitney U test and the
 *   Hodges–Lehmann interval, α = 0.02, of canary − stable judged scores.
 *   Fails when the whole interval lies below −quality_drop (its upper bound
 *   < −quality_drop); passes otherwise; inconclusive with fewer than 10
 *   scores in either arm. value is the HL estimate, threshold −quality_drop.
 *   Identical scores in both arms are a shift of exactly 0 and pass. Not
 *   evaluated when the spec's qualityDrop is null (no judge on the route).
 *   The interval looks at every pair of scores, so an arm with more than 500
 *   scores is thinned to 500 evenly spaced ones (deterministic), bounding a
 *   tick's work at 250,000 pairs.
 *
 * The overall score is 100 × (weight of the passing monitors) / (weight of
 * the conclusive ones), weights error_rate 40, quality 30, latency 20,
 * cost 10; inconclusive monitors count in neither sum (null when none is
 * conclusive); a failing critical monitor (error_rate, quality) makes it 0.
 * It is reported with each reading; the controller acts on the individual
 * results (any fail halts).
 */

/** One arm's traffic in the interval. */
export interface ArmWindow {
  /** Requests served. */
  readonly count: number;
  /** Of which failed (5xx, timeouts, cut streams). */
  readonly errors: number;
  /** Latencies of the successful requests, when the edge keeps them. */
  readonly latenciesMs?: readonly number[];
  /** A p95 the edge computed instead, over count − errors successful requests. */
  readonly p95Ms?: number;
  readonly costUsd: number;
  readonly tokens: number;
  /** Judged quality scores of sampled answers (judge errors excluded). */
  readonly quality: readonly number[];
}

/** The canary and the stable arm over the same interval [from, to). */
export interface ArmWindows {
  readonly from: number;
  readonly to: number;
  readonly canary: ArmWindow;
  readonly stable: ArmWindow;
}

export const MONITOR_NAMES = ['error_rate', 'latency_p95_ratio', 'cost_ratio', 'quality'] as const;
export type MonitorName = (typeof MONITOR_NAMES)[number];
export type MonitorStatus = 'pass' | 'fail' | 'inconclusive';

export interface MonitorResult {
  readonly name: MonitorName;
  /** The measured value; null when there is none. */
  readonly value: number | null;
  readonly threshold: number;
  readonly status: MonitorStatus;
  /** A failing critical monitor sets the overall score to 0. */
  readonly critical: boolean;
  readonly detail: string;
  /** The numbers behind the value: sample sizes, interval bounds, p-value. */
  readonly facts: Readonly<Record<string, number | null>>;
}

/** A monitor reading as the status keeps it. */
export interface MonitorSnapshot {
  /** When the controller took the reading. */
  readonly at: number;
  /** The interval the windows cover. */
  readonly from: number;
  readonly to: number;
  readonly results: readonly MonitorResult[];
  readonly score: number | null;
}

export const MIN_ARM_SAMPLES = 20;
export const MIN_QUALITY_SCORES = 10;
export const QUALITY_ALPHA = 0.02;
export const MAX_QUALITY_SCORES = 500;

/** At most `max` values, evenly spaced through xs. */
function thin(xs: readonly number[], max: number): readonly number[] {
  if (xs.length <= max) return xs;
  return Array.from({ length: max }, (_, i) => xs[Math.floor((i * xs.length) / max)]!);
}

/** Monitors that compare the canary with the stable arm (they need stable traffic). */
export const COMPARATIVE_MONITORS: ReadonlySet<MonitorName> = new Set(['latency_p95_ratio', 'cost_ratio', 'quality']);

export const DEFAULT_SCORE_WEIGHTS: Readonly<Record<MonitorName, number>> = {
  error_rate: 40,
  quality: 30,
  latency_p95_ratio: 20,
  cost_ratio: 10,
};
const CRITICAL: ReadonlySet<MonitorName> = new Set(['error_rate', 'quality']);

const fmt = (v: number): string => String(Number(v.toPrecision(4)));

function result(
  name: MonitorName,
  value: number | null,
  threshold: number,
  status: MonitorStatus,
  detail: string,
  facts: Record<string, number | null>,
): MonitorResult {
  return { name, value, threshold, status, critical: CRITICAL.has(name), detail, facts };
}

/** Too little data in an arm: inconclusive, naming each arm's count and the minimum each needs. */
function tooFew(
  name: MonitorName,
  threshold: number,
  what: string,
  canaryN: number,
  stableN: number,
  min: number,
  facts: Record<string, number | null>,
): MonitorResult {
  return result(
    name,
    null,
    threshold,
    'inconclusive',
    `${what}: canary ${canaryN}, stable ${stableN}; ${min} each needed`,
    facts,
  );
}

/** A canary / stable ratio against its ceiling, failing above it; `sides` shows the two values divided. */
function ratioResult(
  name: MonitorName,
  ratio: number,
  ceiling: number,
  sides: string,
  facts: Record<string, number | null>,
): MonitorResult {
  const breach = ratio > ceiling;
  return result(
    name,
    ratio,
    ceiling,
    breach ? 'fail' : 'pass',
    `${sides} = ${fmt(ratio)} ${breach ? '>' : '≤'} ${ceiling}`,
    facts,
  );
}

function checkArm(arm: string, w: ArmWindow): void {
  const bad = (field: string, what: string) => new RangeError(`${arm}.${field} ${what}`);
  if (!Number.isInteger(w.count) || w.count < 0) throw bad('count', 'must be an integer ≥ 0');
  if (!Number.isInteger(w.errors) || w.errors < 0 || w.errors > w.count)
    throw bad('errors', 'must be an integer in 0..count');
  for (const f of ['costUsd', 'tokens'] as const)
    if (!(Number.isFinite(w[f]) && w[f] >= 0)) throw bad(f, 'must be a finite number ≥ 0');
  if (w.p95Ms !== undefined && !(Number.isFinite(w.p95Ms) && w.p95Ms >= 0))
    throw bad('p95Ms', 'must be a finite number ≥ 0');
  if (w.latenciesMs?.some((v) => !Number.isFinite(v))) throw bad('latenciesMs', 'must be finite');
  if (w.quality.some((v) => !Number.isFinite(v))) throw bad('quality', 'must be finite');
}

export function errorRateMonitor(ceiling: number, canary: ArmWindow): MonitorResult {
  const { count, errors } = canary;
  const minCount = ceiling > 0 ? Math.ceil(1 / ceiling) : 1;
  const rate = count > 0 ? errors / count : null;
  const facts = { count, errors, min_count: minCount };
  if (count >= minCount) {
    const breach = rate! > ceiling;
    return result(
      'error_rate',
      rate,
      ceiling,
      breach ? 'fail' : 'pass',
      `canary error rate ${fmt(rate!)} (${errors}/${count}) ${breach ? '>' : '≤'} ${ceiling}`,
      facts,
    );
  }
  if (errors > ceiling * minCount) {
    return result(
      'error_rate',
      rate,
      ceiling,
      'fail',
      `${errors} errors in ${count} requests exceed ${ceiling} of the ${minCount}-request minimum`,
      facts,
    );
  }
  return result(
    'error_rate',
    rate,
    ceiling,
    'inconclusive',
    `${count} canary requests, fewer than the ${minCount} needed`,
    facts,
  );
}

function armP95(w: ArmWindow): { p95: number | null; n: number } {
  if (w.latenciesMs && w.latenciesMs.length > 0) return { p95: quantile(w.latenciesMs, 0.95), n: w.latenciesMs.length };
  if (w.p95Ms !== undefined) return { p95: w.p95Ms, n: w.count - w.errors };
  return { p95: null, n: 0 };
}

export function latencyMonitor(ceiling: number, canary: ArmWindow, stable: ArmWindow): MonitorResult {
  const c = armP95(canary);
  const s = armP95(stable);
  const facts = { canary_p95_ms: c.p95, stable_p95_ms: s.p95, canary_n: c.n, stable_n: s.n };
  if (c.n < MIN_ARM_SAMPLES || s.n < MIN_ARM_SAMPLES || c.p95 === null || s.p95 === null) {
    return tooFew('latency_p95_ratio', ceiling, 'latencies', c.n, s.n, MIN_ARM_SAMPLES, facts);
  }
  if (!(s.p95 > 0)) return result('latency_p95_ratio', null, ceiling, 'inconclusive', 'stable p95 is 0 ms', facts);
  return ratioResult('latency_p95_ratio', c.p95 / s.p95, ceiling, `p95 ${fmt(c.p95)} ms / ${fmt(s.p95)} ms`, facts);
}

export function costMonitor(ceiling: number, canary: ArmWindow, stable: ArmWindow): MonitorResult {
  const perReq = (w: ArmWindow) => (w.count > 0 ? w.costUsd / w.count : null);
  const c = perReq(canary);
  const s = perReq(stable);
  const facts = {
    canary_cost_per_request: c,
    stable_cost_per_request: s,
    canary_tokens_per_request: canary.count > 0 ? canary.tokens / canary.count : null,
    stable_tokens_per_request: stable.count > 0 ? stable.tokens / stable.count : null,
    canary_n: canary.count,
    stable_n: stable.count,
  };
  if (canary.count < MIN_ARM_SAMPLES || stable.count < MIN_ARM_SAMPLES || c === null || s === null) {
    return tooFew('cost_ratio', ceiling, 'requests', canary.count, stable.count, MIN_ARM_SAMPLES, facts);
  }
  if (s === 0) {
    return c === 0
      ? result('cost_ratio', 1, ceiling, 'pass', 'neither arm costs anything', facts)
      : result('cost_ratio', null, ceiling, 'fail', `stable costs nothing per request, canary $${fmt(c)}`, facts);
  }
  return ratioResult('cost_ratio', c / s, ceiling, `cost per request $${fmt(c)} / $${fmt(s)}`, facts);
}

export function qualityMonitor(maxDrop: number, canary: ArmWindow, stable: ArmWindow): MonitorResult {
  const c = thin(canary.quality, MAX_QUALITY_SCORES);
  const s = thin(stable.quality, MAX_QUALITY_SCORES);
  const threshold = -maxDrop;
  const base = {
    canary_n: canary.quality.length,
    stable_n: stable.quality.length,
    canary_used: c.length,
    stable_used: s.length,
  };
  if (c.length < MIN_QUALITY_SCORES || s.length < MIN_QUALITY_SCORES) {
    const facts = { ...base, lower: null, upper: null, p: null };
    return tooFew('quality', threshold, 'scores', c.length, s.length, MIN_QUALITY_SCORES, facts);
  }
  const first = c[0]!;
  if (c.every((v) => v === first) && s.every((v) => v === first)) {
    return result('quality', 0, threshold, 'pass', 'every score in both arms is the same', {
      ...base,
      lower: 0,
      upper: 0,
      p: 1,
    });
  }
  const mw = mannWhitneyU(c, s);
  const hl = hodgesLehmann(c, s, { alpha: QUALITY_ALPHA });
  const facts = { ...base, lower: hl.lower, upper: hl.upper, p: mw.p, u: mw.u };
  const interval = `[${fmt(hl.lower)}, ${fmt(hl.upper)}]`;
  const level = `${(1 - QUALITY_ALPHA) * 100}%`;
  if (hl.upper < threshold) {
    const detail = `quality shift ${fmt(hl.estimate)}, ${level} interval ${interval} entirely below ${fmt(threshold)} (Mann–Whitney p ${fmt(mw.p)})`;
    return result('quality', hl.estimate, threshold, 'fail', detail, facts);
  }
  const detail = `quality shift ${fmt(hl.estimate)}, ${level} interval ${interval} reaches ${fmt(threshold)} or above (Mann–Whitney p ${fmt(mw.p)})`;
  return result('quality', hl.estimate, threshold, 'pass', detail, facts);
}

/** Every configured monitor on one interval's windows. Throws a RangeError on malformed windows. */
export function evaluateMonitors(
  thresholds: MonitorThresholds,
  windows: Pick<ArmWindows, 'canary' | 'stable'>,
): MonitorResult[] {
  const { canary, stable } = windows;
  checkArm('canary', canary);
  checkArm('stable', stable);
  const out = [
    errorRateMonitor(thresholds.errorRate, canary),
    latencyMonitor(thresholds.latencyP95Ratio, canary, stable),
    costMonitor(thresholds.costRatio, canary, stable),
  ];
  if (thresholds.qualityDrop !== null) out.push(qualityMonitor(thresholds.qualityDrop, canary, stable));
  return out;
}

/** The Kayenta-like overall score in [0, 100], or null when no monitor is conclusive. */
export function kayentaScore(
  results: readonly MonitorResult[],
  weights: Readonly<Record<MonitorName, number>> = DEFAULT_SCORE_WEIGHTS,
): number | null {
  if (results.some((r) => r.critical && r.status === 'fail')) return 0;
  let total = 0;
  let passed = 0;
  for (const r of results) {
    if (r.status === 'inconclusive') continue;
    total += weights[r.name];
    if (r.status === 'pass') passed += weights[r.name];
  }
  return total > 0 ? (100 * passed) / total : null;
}
