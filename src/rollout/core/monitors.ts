import {
  differenceLogEvidence,
  differenceSequence,
  moments,
  momentsVariance,
  normalMixtureRho,
  rateLogEvidence,
  rateSequence,
  sequenceRadius,
  type DifferenceSequence,
  type Moments,
} from '../../stats/confidence-sequence.js';
import type { ExternalMonitorName } from './external-monitors.js';
import type { MonitorThresholds } from './rollout-state.js';

/**
 * Canary analysis, canary against stable, on everything the step has seen so
 * far, one result per monitor and a Kayenta-like overall score.
 *
 * Every monitor is anytime-valid: its interval is a confidence sequence,
 * which covers the true value at every look at once with probability
 * ≥ 1 − alpha (`stats/confidence-sequence.ts`), so reading the monitors at
 * every tick does not raise its error rate. Each has three outcomes:
 *
 * - fail: the interval lies wholly beyond the monitor's margin (proven worse);
 * - pass: it lies wholly within the margin (proven good enough);
 * - inconclusive: it straddles the margin, or there is too little data;
 *   keep collecting. The controller never ends a step on it (at the step's
 *   deadline it pauses).
 *
 * Guarantee, per monitor and step: a canary exactly at its margin fails, or
 * a canary beyond its margin passes, with probability ≤ alpha, however often
 * the monitor is read.
 *
 * - error_rate: the canary's error rate against the absolute ceiling, with
 *   Robbins' beta-binomial mixture sequence (exact for any n) under a
 *   Beta(1, 2/ceiling − 1) prior (mean ceiling / 2).
 * - error_rate_increase: canary − stable error rate against
 *   `errorRateIncrease`; the canary's and the stable's sequences at alpha / 2
 *   each, combined (a union bound).
 * - latency_p95_ratio: the ratio of typical latencies, canary / stable, as a
 *   difference of mean log latencies of the successful requests (their
 *   geometric means), against ln(ceiling). Under a change of scale (every
 *   latency × r) it is the p95 ratio; it is never a point ratio of two
 *   p95s, which on a few dozen requests swings by ±50%. Needs per-request
 *   latencies (or their log moments) and 20 in each arm.
 * - cost_ratio: canary / stable cost per request against the ceiling, as
 *   mean(canary) − ceiling × mean(stable) against 0 (a linear test of the
 *   ratio). Needs per-request costs (moments) and 20 in each arm.
 * - quality: the difference of mean judged scores, canary − stable, against
 *   −quality_drop. A difference of means moves with every answer, so it
 *   works on 1–5 rubric scores, where a rank shift does not. Needs 10 scores
 *   in each arm; not evaluated without a judge (qualityDrop null).
 * - sample_ratio: the canary's share of the requests against the weight
 *   (a sample-ratio mismatch: broken routing or sticky keys). Fails only
 *   when the share is proven outside [weight / 3, weight × 3] (sticky
 *   users make the share lumpier than independent requests); the
 *   controller pauses on it with its reason, never rolls back.
 *
 * Differences of means use the normal mixture with the sample variances
 * plugged in (asymptotically anytime-valid, Waudby-Smith et al. 2024), its
 * mixing fitted to the planned sample size before the data.
 *
 * Each result's facts hold, besides the sample sizes, `lower` and `upper`
 * (the interval of `value`), `e_value` (the mixture's evidence against the
 * margin, to reach 1/alpha) and `needed` (about how many more canary
 * requests — judged answers for quality — the interval needs to reach a
 * decision at the current estimate; null when it never would).
 *
 * The overall score is 100 × (weight of the passing monitors) / (weight of
 * the conclusive ones); a failing critical monitor makes it 0.
 */

/** One arm's traffic since the step began. */
export interface ArmWindow {
  /** Requests served. */
  readonly count: number;
  /** Of which failed (5xx, timeouts, cut streams). */
  readonly errors: number;
  /** Latencies of the successful requests, when the edge keeps them. */
  readonly latenciesMs?: readonly number[];
  /** Or the moments of their natural logs (ln ms), when the edge aggregates. */
  readonly logLatency?: Moments;
  /** A p95 the edge computed, shown beside the monitor's interval. */
  readonly p95Ms?: number;
  readonly costUsd: number;
  readonly tokens: number;
  /** Moments of the per-request cost in USD, when the edge keeps them. */
  readonly costs?: Moments;
  /** Judged quality scores of sampled answers (judge errors excluded). */
  readonly quality?: readonly number[];
  /** Or their moments, when the edge aggregates (takes precedence over `quality`). */
  readonly qualityMoments?: Moments;
}

/** An arm's judged quality as moments, from whichever form the edge gave. */
function qualityOf(w: ArmWindow): Moments {
  return w.qualityMoments ?? moments(w.quality ?? []);
}

/** The canary and the stable arm over the same span [from, to). */
export interface ArmWindows {
  readonly from: number;
  readonly to: number;
  /** The canary weight (percent) the gateway served the span at, when the edge knows it: the sample-ratio check. */
  readonly weight?: number;
  readonly canary: ArmWindow;
  readonly stable: ArmWindow;
}

export const MONITOR_NAMES = [
  'error_rate',
  'error_rate_increase',
  'latency_p95_ratio',
  'cost_ratio',
  'quality',
  'sample_ratio',
] as const;
export type MonitorName = (typeof MONITOR_NAMES)[number];
export type MonitorStatus = 'pass' | 'fail' | 'inconclusive';

export interface MonitorResult {
  readonly name: MonitorName | ExternalMonitorName;
  /** The measured value; null when there is none. */
  readonly value: number | null;
  readonly threshold: number;
  readonly status: MonitorStatus;
  /** A failing critical monitor sets the overall score to 0. */
  readonly critical: boolean;
  readonly detail: string;
  /** The numbers behind the value: sample sizes, the interval, the evidence, what is still needed. */
  readonly facts: Readonly<Record<string, number | null>>;
  /** A fail that pauses the rollout instead of rolling it back (a Prometheus ratio monitor by default). */
  readonly onFail?: 'pause';
  /** Compares the canary with the stable arm (skipped at 100%, where the stable gets no traffic). */
  readonly comparative?: boolean;
}

/** A monitor reading as the status keeps it. */
export interface MonitorSnapshot {
  /** When the controller took the reading. */
  readonly at: number;
  /** The span the windows cover. */
  readonly from: number;
  readonly to: number;
  readonly results: readonly MonitorResult[];
  readonly score: number | null;
}

/** What a reading needs beyond the thresholds. */
export interface MonitorContext {
  /** Canary requests a step plans for (min_requests): where the mixtures are tightest. */
  readonly plannedRequests: number;
}

export const MIN_ARM_SAMPLES = 20;
export const MIN_QUALITY_SCORES = 10;
/** A latency of 0 ms is read as this many ms on the log scale. */
const MIN_LATENCY_MS = 0.1;
/** Judged-score variance below this is read as this (a handful of equal rubric scores is not an exact mean). */
const QUALITY_VARIANCE_FLOOR = 1e-4;
/** The sample-ratio check flags a share proven outside [w / 3, 3w] (sticky users make shares lumpy). */
const SAMPLE_RATIO_FACTOR = 3;

/** Monitors that compare the canary with the stable arm (they need stable traffic). */
export const COMPARATIVE_MONITORS: ReadonlySet<MonitorName> = new Set([
  'error_rate_increase',
  'latency_p95_ratio',
  'cost_ratio',
  'quality',
  'sample_ratio',
]);

/** Monitors whose fail pauses the rollout instead of rolling it back. */
export const PAUSING_MONITORS: ReadonlySet<string> = new Set(['sample_ratio']);

/** Whether a result's fail pauses rather than rolls back. */
export const pausesOnFail = (r: MonitorResult): boolean => r.onFail === 'pause' || PAUSING_MONITORS.has(r.name);

/** Whether a result compares the canary with the stable arm. */
export const isComparative = (r: MonitorResult): boolean =>
  r.comparative === true || (COMPARATIVE_MONITORS as ReadonlySet<string>).has(r.name);

/** The score weight of a monitor fed from outside Sluice. */
export const EXTERNAL_SCORE_WEIGHT = 10;

export const DEFAULT_SCORE_WEIGHTS: Readonly<Record<MonitorName, number>> = {
  error_rate: 30,
  error_rate_increase: 10,
  quality: 30,
  latency_p95_ratio: 20,
  cost_ratio: 10,
  sample_ratio: 0,
};
const CRITICAL: ReadonlySet<MonitorName> = new Set(['error_rate', 'error_rate_increase', 'quality']);

const fmt = (v: number): string => String(Number(v.toPrecision(4)));
const E_VALUE_CAP = 1e12;

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
  const needed = Math.max(0, min - canaryN);
  return result(
    name,
    null,
    threshold,
    'inconclusive',
    `${what}: canary ${canaryN}, stable ${stableN}; ${min} each needed`,
    { lower: null, upper: null, e_value: null, needed, ...facts },
  );
}

/** A monitor of a canary / stable ratio against its ceiling, its sequence sized for the planned requests. */
type RatioMonitor = (
  ceiling: number,
  alpha: number,
  plannedRequests: number,
  canary: ArmWindow,
  stable: ArmWindow,
) => MonitorResult;

/** No data to compare in an arm: inconclusive, every interval fact null. */
function noData(
  name: MonitorName,
  threshold: number,
  detail: string,
  facts: Record<string, number | null>,
): MonitorResult {
  return result(name, null, threshold, 'inconclusive', detail, {
    ...facts,
    lower: null,
    upper: null,
    e_value: null,
    needed: null,
  });
}

/** Where an interval lies against a margin: beyond it (`worseAbove`: above it is worse). */
function verdict(lower: number, upper: number, margin: number, worseAbove: boolean): MonitorStatus {
  if (worseAbove) return lower > margin ? 'fail' : upper <= margin ? 'pass' : 'inconclusive';
  return upper < margin ? 'fail' : lower >= margin ? 'pass' : 'inconclusive';
}

const WORD: Record<MonitorStatus, string> = {
  fail: 'beyond',
  pass: 'within',
  inconclusive: 'straddles',
};

/**
 * About how many more canary samples until a normal-mixture interval of the
 * current spread is narrower than the estimate's distance to the margin.
 * `perSampleSd` is the estimate's standard error × √(canary n).
 */
function moreNeeded(n: number, perSampleSd: number, gap: number, rho: number, alpha: number): number | null {
  if (!(gap > 0)) return null;
  if (!(perSampleSd > 0)) return 0;
  const radius = (m: number) => sequenceRadius(perSampleSd / Math.sqrt(m), m, rho, alpha);
  if (radius(n) <= gap) return 0;
  let hi = Math.max(2 * n, 2);
  while (radius(hi) > gap) {
    hi *= 2;
    if (hi > 1e9) return null;
  }
  let lo = n;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (radius(mid) > gap) lo = mid;
    else hi = mid;
  }
  return hi - n;
}

/** The e-value of a difference sequence against its margin, capped for display. */
function eValue(d: DifferenceSequence, margin: number, rho: number): number {
  return Math.min(E_VALUE_CAP, Math.exp(differenceLogEvidence(d, margin, rho)));
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
  if (w.latenciesMs?.some((v) => !(Number.isFinite(v) && v >= 0))) throw bad('latenciesMs', 'must be finite, ≥ 0');
  for (const f of ['logLatency', 'costs', 'qualityMoments'] as const) {
    const m = w[f];
    if (m && !(Number.isInteger(m.n) && m.n >= 0 && Number.isFinite(m.mean) && Number.isFinite(m.m2) && m.m2 >= 0))
      throw bad(f, 'must be moments {n ≥ 0, finite mean, m2 ≥ 0}');
  }
  if (w.quality?.some((v) => !Number.isFinite(v))) throw bad('quality', 'must be finite');
}

/** The beta prior for error rates under a ceiling: mean ceiling / 2. */
function ratePrior(ceiling: number): { a: number; b: number } {
  return { a: 1, b: ceiling > 0 ? Math.max(1, 2 / ceiling - 1) : 1 };
}

/** Normal-approximation standard deviation of one request's error indicator, for `needed`. */
const bernoulliSd = (k: number, n: number): number => {
  const p = (k + 0.5) / (n + 1);
  return Math.sqrt(p * (1 - p));
};

export function errorRateMonitor(ceiling: number, alpha: number, canary: ArmWindow): MonitorResult {
  const { count, errors } = canary;
  const prior = ratePrior(ceiling);
  const cs = rateSequence(errors, count, { alpha, ...prior });
  const rate = count > 0 ? errors / count : null;
  const status = verdict(cs.lower, cs.upper, ceiling, true);
  const near = status === 'inconclusive' ? Math.min(Math.abs(ceiling - (rate ?? 0)), Number.POSITIVE_INFINITY) : 0;
  const rho = normalMixtureRho(Math.max(count, 100), alpha);
  const needed =
    status === 'inconclusive' ? moreNeeded(Math.max(count, 1), bernoulliSd(errors, count), near, rho, alpha) : 0;
  const e = Math.exp(rateLogEvidence(errors, count, Math.min(1, Math.max(0, ceiling)), prior.a, prior.b));
  const facts = { count, errors, lower: cs.lower, upper: cs.upper, e_value: Math.min(E_VALUE_CAP, e), needed, alpha };
  const interval = `[${fmt(cs.lower)}, ${fmt(cs.upper)}]`;
  const detail = `canary error rate ${rate === null ? '–' : fmt(rate)} (${errors}/${count}), ${fmt(100 * (1 - alpha))}% sequence ${interval} ${WORD[status]} the ceiling ${ceiling}`;
  return result('error_rate', rate, ceiling, status, detail, facts);
}

export function errorIncreaseMonitor(
  margin: number,
  ceiling: number,
  alpha: number,
  canary: ArmWindow,
  stable: ArmWindow,
): MonitorResult {
  const prior = ratePrior(ceiling);
  const c = rateSequence(canary.errors, canary.count, { alpha: alpha / 2, ...prior });
  const s = rateSequence(stable.errors, stable.count, { alpha: alpha / 2, ...prior });
  const base = {
    canary_n: canary.count,
    stable_n: stable.count,
    canary_errors: canary.errors,
    stable_errors: stable.errors,
    alpha,
  };
  if (canary.count === 0 || stable.count === 0) {
    return tooFew('error_rate_increase', margin, 'requests', canary.count, stable.count, 1, base);
  }
  const diff = canary.errors / canary.count - stable.errors / stable.count;
  const lower = c.lower - s.upper;
  const upper = c.upper - s.lower;
  const status = verdict(lower, upper, margin, true);
  const rho = normalMixtureRho(Math.max(canary.count, 100), alpha);
  const needed =
    status === 'inconclusive'
      ? moreNeeded(canary.count, bernoulliSd(canary.errors, canary.count), Math.abs(margin - diff), rho, alpha / 2)
      : 0;
  const facts = { ...base, lower, upper, e_value: null, needed };
  const detail = `error rate canary − stable ${fmt(diff)}, ${fmt(100 * (1 - alpha))}% sequence [${fmt(lower)}, ${fmt(upper)}] ${WORD[status]} the margin ${margin}`;
  return result('error_rate_increase', diff, margin, status, detail, facts);
}

function logLatencyMoments(w: ArmWindow): Moments | null {
  if (w.logLatency) return w.logLatency;
  if (w.latenciesMs) return moments(w.latenciesMs.map((v) => Math.log(Math.max(v, MIN_LATENCY_MS))));
  return null;
}

export const latencyMonitor: RatioMonitor = (ceiling, alpha, plannedRequests, canary, stable) => {
  const c = logLatencyMoments(canary);
  const s = logLatencyMoments(stable);
  const base = {
    canary_n: c?.n ?? 0,
    stable_n: s?.n ?? 0,
    canary_p95_ms: canary.p95Ms ?? null,
    stable_p95_ms: stable.p95Ms ?? null,
    alpha,
  };
  if (c === null || s === null) {
    return noData('latency_p95_ratio', ceiling, 'no per-request latencies in an arm', base);
  }
  if (c.n < MIN_ARM_SAMPLES || s.n < MIN_ARM_SAMPLES) {
    return tooFew('latency_p95_ratio', ceiling, 'latencies', c.n, s.n, MIN_ARM_SAMPLES, base);
  }
  const rho = normalMixtureRho(Math.max(plannedRequests, 100), alpha);
  const d = differenceSequence(c, s, { alpha, rho, n: c.n });
  const margin = Math.log(ceiling);
  const status = verdict(d.lower, d.upper, margin, true);
  const needed =
    status === 'inconclusive' ? moreNeeded(c.n, d.se * Math.sqrt(c.n), Math.abs(margin - d.estimate), rho, alpha) : 0;
  const ratio = Math.exp(d.estimate);
  const facts = {
    ...base,
    lower: Math.exp(d.lower),
    upper: Math.exp(d.upper),
    e_value: eValue(d, margin, rho),
    needed,
  };
  const detail = `latency ratio ${fmt(ratio)} (geometric means, canary / stable), ${fmt(100 * (1 - alpha))}% sequence [${fmt(facts.lower)}, ${fmt(facts.upper)}] ${WORD[status]} the ceiling ${ceiling}`;
  return result('latency_p95_ratio', ratio, ceiling, status, detail, facts);
};

export const costMonitor: RatioMonitor = (ceiling, alpha, plannedRequests, canary, stable) => {
  const perReq = (w: ArmWindow) => (w.count > 0 ? w.costUsd / w.count : null);
  const cm = perReq(canary);
  const sm = perReq(stable);
  const base = {
    canary_cost_per_request: cm,
    stable_cost_per_request: sm,
    canary_tokens_per_request: canary.count > 0 ? canary.tokens / canary.count : null,
    stable_tokens_per_request: stable.count > 0 ? stable.tokens / stable.count : null,
    canary_n: canary.costs?.n ?? canary.count,
    stable_n: stable.costs?.n ?? stable.count,
    alpha,
  };
  const c = canary.costs;
  const s = stable.costs;
  if (!c || !s) {
    return noData('cost_ratio', ceiling, 'no per-request costs in an arm', base);
  }
  if (c.n < MIN_ARM_SAMPLES || s.n < MIN_ARM_SAMPLES) {
    return tooFew('cost_ratio', ceiling, 'requests', c.n, s.n, MIN_ARM_SAMPLES, base);
  }
  if (s.mean === 0 && momentsVariance(s) === 0) {
    return c.mean === 0 && momentsVariance(c) === 0
      ? result('cost_ratio', 1, ceiling, 'pass', 'neither arm costs anything', {
          ...base,
          lower: 1,
          upper: 1,
          e_value: null,
          needed: 0,
        })
      : result('cost_ratio', null, ceiling, 'fail', `stable costs nothing per request, canary $${fmt(c.mean)}`, {
          ...base,
          lower: null,
          upper: null,
          e_value: null,
          needed: 0,
        });
  }
  const rho = normalMixtureRho(Math.max(plannedRequests, 100), alpha);
  const d = differenceSequence(c, s, { alpha, rho, k: ceiling, n: c.n });
  const status = verdict(d.lower, d.upper, 0, true);
  const needed =
    status === 'inconclusive' ? moreNeeded(c.n, d.se * Math.sqrt(c.n), Math.abs(d.estimate), rho, alpha) : 0;
  const ratio = c.mean / s.mean;
  // The sequence is on mean(canary) − ceiling × mean(stable); as a ratio, ceiling + bound / mean(stable).
  const facts = {
    ...base,
    lower: ceiling + d.lower / s.mean,
    upper: ceiling + d.upper / s.mean,
    e_value: eValue(d, 0, rho),
    needed,
  };
  const detail = `cost per request $${fmt(c.mean)} / $${fmt(s.mean)} = ${fmt(ratio)}, ${fmt(100 * (1 - alpha))}% sequence [${fmt(facts.lower)}, ${fmt(facts.upper)}] ${WORD[status]} the ceiling ${ceiling}`;
  return result('cost_ratio', ratio, ceiling, status, detail, facts);
};

export function qualityMonitor(
  maxDrop: number,
  alpha: number,
  plannedSamples: number,
  canary: ArmWindow,
  stable: ArmWindow,
): MonitorResult {
  const threshold = -maxDrop;
  const c = qualityOf(canary);
  const s = qualityOf(stable);
  const base = { canary_n: c.n, stable_n: s.n, planned: plannedSamples, alpha };
  if (c.n < MIN_QUALITY_SCORES || s.n < MIN_QUALITY_SCORES) {
    const r = tooFew('quality', threshold, 'scores', c.n, s.n, MIN_QUALITY_SCORES, base);
    return { ...r, facts: { ...r.facts, needed: Math.max(0, plannedSamples - c.n) } };
  }
  const rho = normalMixtureRho(Math.max(plannedSamples, MIN_QUALITY_SCORES), alpha);
  const d = differenceSequence(c, s, { alpha, rho, n: c.n, varianceFloor: QUALITY_VARIANCE_FLOOR });
  const status = verdict(d.lower, d.upper, threshold, false);
  const needed =
    status === 'inconclusive'
      ? moreNeeded(c.n, d.se * Math.sqrt(c.n), Math.abs(d.estimate - threshold), rho, alpha)
      : 0;
  const facts = {
    ...base,
    canary_mean: c.mean,
    stable_mean: s.mean,
    lower: d.lower,
    upper: d.upper,
    e_value: eValue(d, threshold, rho),
    needed,
  };
  const detail = `quality canary − stable ${fmt(d.estimate)} (means of ${c.n} and ${s.n} judged answers), ${fmt(100 * (1 - alpha))}% sequence [${fmt(d.lower)}, ${fmt(d.upper)}] ${WORD[status]} the allowed drop ${fmt(threshold)}`;
  return result('quality', d.estimate, threshold, status, detail, facts);
}

/**
 * The canary's share of requests against its weight: fails when the
 * share's sequence (beta-binomial, uniform prior) lies wholly outside
 * [w / 3, 3w]; passes otherwise. Never fails at 0% or 100%.
 */
export function sampleRatioMonitor(weight: number, alpha: number, canary: ArmWindow, stable: ArmWindow): MonitorResult {
  const n = canary.count + stable.count;
  const expected = weight / 100;
  const lo = expected / SAMPLE_RATIO_FACTOR;
  const hi = Math.min(1, expected * SAMPLE_RATIO_FACTOR);
  const cs = rateSequence(canary.count, n, { alpha });
  const share = n > 0 ? canary.count / n : null;
  const mismatch = weight > 0 && weight < 100 && (cs.lower > hi || cs.upper < lo);
  const facts = {
    canary_n: canary.count,
    stable_n: stable.count,
    expected,
    lower: cs.lower,
    upper: cs.upper,
    e_value: null,
    needed: null,
    alpha,
  };
  const detail = mismatch
    ? `sample-ratio mismatch: canary share ${fmt(share!)} (${canary.count}/${n}), sequence [${fmt(cs.lower)}, ${fmt(cs.upper)}] outside [${fmt(lo)}, ${fmt(hi)}] for weight ${weight}%`
    : `canary share ${share === null ? '–' : fmt(share)} (${canary.count}/${n}) fits weight ${weight}%`;
  return result('sample_ratio', share, expected, mismatch ? 'fail' : 'pass', detail, facts);
}

/**
 * Every configured monitor on the step's windows; sample_ratio only when
 * the windows name the weight they were served at. Throws a RangeError on
 * malformed windows.
 */
export function evaluateMonitors(
  thresholds: MonitorThresholds,
  windows: Pick<ArmWindows, 'canary' | 'stable' | 'weight'>,
  context: MonitorContext = { plannedRequests: 1000 },
): MonitorResult[] {
  const { canary, stable } = windows;
  checkArm('canary', canary);
  checkArm('stable', stable);
  const { alpha } = thresholds;
  const planned = context.plannedRequests;
  const out = [
    errorRateMonitor(thresholds.errorRate, alpha, canary),
    errorIncreaseMonitor(thresholds.errorRateIncrease, thresholds.errorRate, alpha, canary, stable),
    latencyMonitor(thresholds.latencyP95Ratio, alpha, planned, canary, stable),
    costMonitor(thresholds.costRatio, alpha, planned, canary, stable),
  ];
  if (thresholds.qualityDrop !== null) {
    out.push(qualityMonitor(thresholds.qualityDrop, alpha, thresholds.qualitySamples, canary, stable));
  }
  if (windows.weight !== undefined) out.push(sampleRatioMonitor(windows.weight, alpha, canary, stable));
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
    const w = (weights as Readonly<Record<string, number>>)[r.name] ?? EXTERNAL_SCORE_WEIGHT;
    total += w;
    if (r.status === 'pass') passed += w;
  }
  return total > 0 ? (100 * passed) / total : null;
}
