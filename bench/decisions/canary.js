// Canary decisions: simulated canary rollouts with a known truth, run tick by
// tick in virtual time through Sluice's compiled reconcile loop (dist/), and
// through two baselines on the same per-tick data:
//  - Flagger-style: a fixed threshold on the step's point values at every tick
//    (error rate > ceiling from 50 requests on, p95 ratio > ceiling, cost
//    ratio > ceiling, mean quality difference < −quality_drop); the first
//    failing check rolls back.
//  - Kayenta-style: a Mann–Whitney test at α = 0.02 at every tick with no
//    correction for looking again (quality on the judged answers, errors on
//    the requests, latency and cost on the per-interval series), a metric
//    "high" when p < 0.02, the canary is worse and the point effect is past
//    the margin; a high critical metric rolls back.
// Both advance a step after the dwell and min_requests, like Sluice.
//
// Traffic (stated for the budgets): 100 requests/s on the route, ticks every
// 10 s (interval_seconds), the default sluice.yaml rollout section (5 → 25 →
// 100, dwell 240 s, 1,000 canary requests, error ceiling 0.02, increase 0.01,
// latency 1.2, cost 1.5, quality_drop 0.05, alpha 0.05, quality_samples from
// quality_drop). Stable answers are judged at the observer's 5%, canary
// answers at quality_samples / min_requests. A judged score is the answer's
// true quality N(0.70 − Δ, 0.10) plus judge noise N(0, 0.15) or N(0, 0.20)
// (alternating replications), clamped to [0, 1], and for rubric cells read on
// a 1–5 rubric. Latency is log-normal (median 400 ms, log-sd 0.5), costs
// N($0.002, $0.0005) per request. A rollout that reaches a step's deadline
// without a decision is paused (Sluice) — the baselines never pause.
import { rolloutSchema } from '../../dist/config/sluice-schema.js';
import { canaryJudgeRate } from '../../dist/rollout/core/canary-judging.js';
import { initialStatus, reconcile, specFromConfig } from '../../dist/rollout/core/index.js';
import { normal, rateRow, rng, rubric } from './support.js';

const REPS = Number(process.env.SLUICE_BENCH_CANARY_REPS ?? 1000);
const RPS = 100;
const SECOND = 1000;
const T0 = Date.UTC(2026, 0, 1);
const STABLE = `sha256:${'a'.repeat(64)}`;
const CANDIDATE = `sha256:${'b'.repeat(64)}`;
const OBSERVE_RATE = 0.05;

const spec = specFromConfig({
  route: 'bench',
  rolloutId: 'ro-bench',
  stable: STABLE,
  candidate: CANDIDATE,
  config: rolloutSchema.parse({}),
  qualityMonitored: true,
});
const INTERVAL = spec.intervalSeconds;
const PER_TICK = RPS * INTERVAL;
const DWELL_TICKS = Math.ceil(spec.dwellSeconds / INTERVAL);
const CANARY_RATE = canaryJudgeRate(spec.monitors.qualitySamples, spec.minRequests);
const M = spec.monitors;

const EMPTY = { n: 0, mean: 0, m2: 0 };
function merge(a, b) {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const d = b.mean - a.mean;
  return { n, mean: a.mean + (d * b.n) / n, m2: a.m2 + b.m2 + (d * d * a.n * b.n) / n };
}
/** Moments of n draws from N(mu, sd): the mean exactly, M2 by its chi-square's normal approximation. */
function drawMoments(u, n, mu, sd) {
  if (n <= 0) return EMPTY;
  const mean = mu + (sd * normal(u)) / Math.sqrt(n);
  const df = n - 1;
  const m2 = df > 0 ? sd * sd * Math.max(0, df + Math.sqrt(2 * df) * normal(u)) : 0;
  return { n, mean, m2 };
}

/** One tick of one step's data, the same for every policy: seeded by (cell, replication, step, tick). */
function tickData(cell, rep, step, tick) {
  const u = rng(((cell.seed * 1_000_003 + rep) * 7919 + step * 613 + tick) >>> 0);
  const weight = spec.steps[step];
  const nc = Math.round((PER_TICK * weight) / 100);
  const ns = PER_TICK - nc;
  const arm = (n, errorRate, delta, judgeRate) => {
    let errors = 0;
    for (let i = 0; i < n; i++) if (u() < errorRate) errors++;
    const ok = n - errors;
    const scores = [];
    for (let i = 0; i < n; i++) {
      if (u() >= judgeRate) continue;
      const sd = rep % 2 === 0 ? 0.15 : 0.2;
      const x = Math.min(1, Math.max(0, 0.7 - delta + 0.1 * normal(u) + sd * normal(u)));
      scores.push(cell.rubric ? rubric(x) : x);
    }
    return {
      count: n,
      errors,
      logLatency: drawMoments(u, ok, Math.log(400) + (cell.latencyShift ?? 0), 0.5),
      costs: drawMoments(u, n, 0.002, 0.0005),
      quality: scores,
    };
  };
  return {
    weight,
    canary: arm(nc, cell.canaryErrors, cell.delta, CANARY_RATE),
    stable: arm(ns, cell.stableErrors, 0, OBSERVE_RATE),
  };
}

function accumulate(acc, d) {
  const add = (a, b) => ({
    count: a.count + b.count,
    errors: a.errors + b.errors,
    logLatency: merge(a.logLatency, b.logLatency),
    costs: merge(a.costs, b.costs),
    quality: a.quality.concat(b.quality),
    series: [...a.series, b],
  });
  const zero = { count: 0, errors: 0, logLatency: EMPTY, costs: EMPTY, quality: [], series: [] };
  return { canary: add(acc?.canary ?? zero, d.canary), stable: add(acc?.stable ?? zero, d.stable) };
}

const toWindow = (a) => ({
  count: a.count,
  errors: a.errors,
  logLatency: a.logLatency,
  costs: a.costs,
  costUsd: a.costs.n * a.costs.mean,
  tokens: 0,
  quality: a.quality,
});

/** Sluice: the compiled reconcile loop over windows since the step began. Returns { outcome, step }. */
function runSluice(cell, rep, firstStepOnly) {
  let status = initialStatus(spec);
  let now = T0;
  let total = 0;
  status = reconcile(spec, status, { now, canaryRequestsTotal: 0 }).status;
  let step = 0;
  let tick = 0;
  let acc = null;
  for (;;) {
    now += INTERVAL * SECOND;
    const d = tickData(cell, rep, step, tick);
    acc = accumulate(acc, d);
    total += d.canary.count;
    const windows = {
      from: status.stepStartedAt,
      to: now,
      weight: d.weight,
      canary: toWindow(acc.canary),
      stable: toWindow(acc.stable),
    };
    const r = reconcile(spec, status, { now, canaryRequestsTotal: total, windows });
    status = r.status;
    if (r.phase !== 'progressing') return { outcome: r.phase, step: status.stepIndex };
    if (status.stepIndex !== step) {
      if (firstStepOnly) return { outcome: 'next', step };
      step = status.stepIndex;
      tick = 0;
      acc = null;
    } else tick++;
  }
}

// --- baselines -------------------------------------------------------------

const logP95 = (m) => m.mean + 1.6448536269514722 * Math.sqrt(m.n > 1 ? m.m2 / (m.n - 1) : 0);
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

function flaggerFails(acc, full) {
  const c = acc.canary;
  const s = acc.stable;
  if (c.count >= 50 && c.errors / c.count > M.errorRate) return true;
  if (full) return false;
  if (
    c.logLatency.n >= 20 &&
    s.logLatency.n >= 20 &&
    Math.exp(logP95(c.logLatency) - logP95(s.logLatency)) > M.latencyP95Ratio
  )
    return true;
  if (c.costs.n >= 20 && s.costs.n >= 20 && c.costs.mean / s.costs.mean > M.costRatio) return true;
  if (c.quality.length >= 10 && s.quality.length >= 10 && mean(c.quality) - mean(s.quality) < -M.qualityDrop)
    return true;
  return false;
}

/** Two-sided Mann–Whitney p (normal approximation with the tie correction) of a against b, and whether a ranks lower. */
function mannWhitney(a, b) {
  const n1 = a.length;
  const n2 = b.length;
  const all = a.map((v) => [v, 0]).concat(b.map((v) => [v, 1]));
  all.sort((x, y) => x[0] - y[0]);
  let r1 = 0;
  let ties = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const rank = (i + 1 + j) / 2;
    const t = j - i;
    ties += t * t * t - t;
    for (let k = i; k < j; k++) if (all[k][1] === 0) r1 += rank;
    i = j;
  }
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))));
  if (!(sd > 0)) return { p: 1, lower: false };
  const z = (u1 - (n1 * n2) / 2) / sd;
  const p = 2 * (1 - phi(Math.abs(z)));
  return { p, lower: z < 0 };
}
function phi(x) {
  // Abramowitz–Stegun 26.2.17
  const t = 1 / (1 + 0.2316419 * x);
  const d = 0.3989422804014327 * Math.exp((-x * x) / 2);
  return 1 - d * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
}
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const KAYENTA_ALPHA = 0.02;
const KAYENTA_MAX_SCORES = 500;
const thin = (xs) =>
  xs.length <= KAYENTA_MAX_SCORES
    ? xs
    : Array.from({ length: KAYENTA_MAX_SCORES }, (_, i) => xs[Math.floor((i * xs.length) / KAYENTA_MAX_SCORES)]);

function kayentaFails(acc, full) {
  const c = acc.canary;
  const s = acc.stable;
  // errors per request (0/1): Mann–Whitney with ties is the two-proportion test
  if (!full && c.count >= 20 && s.count >= 20) {
    const ones = (n, k) => Array.from({ length: n }, (_, i) => (i < k ? 1 : 0));
    const e = mannWhitney(
      ones(c.count, c.errors),
      ones(Math.min(s.count, 5000), Math.round((s.errors * Math.min(s.count, 5000)) / s.count)),
    );
    if (e.p < KAYENTA_ALPHA && !e.lower && c.errors / c.count - s.errors / s.count > M.errorRateIncrease) return true;
  } else if (full && c.count >= 50 && c.errors / c.count > M.errorRate) return true;
  if (full) return false;
  if (c.quality.length >= 10 && s.quality.length >= 10) {
    const cq = thin(c.quality);
    const sq = thin(s.quality);
    const q = mannWhitney(cq, sq);
    if (q.p < KAYENTA_ALPHA && q.lower && median(cq) - median(sq) < -M.qualityDrop) return true;
  }
  if (c.series.length >= 3) {
    const lat = (a) => a.series.filter((w) => w.logLatency.n > 0).map((w) => w.logLatency.mean);
    const l = mannWhitney(lat(c), lat(s));
    if (l.p < KAYENTA_ALPHA && !l.lower && Math.exp(median(lat(c)) - median(lat(s))) > M.latencyP95Ratio) return true;
  }
  return false;
}

/** A baseline's rollout: fail → rolled back; a step ends after the dwell and min_requests. */
function runBaseline(fails, cell, rep, firstStepOnly) {
  for (let step = 0; step < spec.steps.length; step++) {
    const full = spec.steps[step] === 100;
    let acc = null;
    for (let tick = 0; ; tick++) {
      acc = accumulate(acc, tickData(cell, rep, step, tick));
      if (fails(acc, full)) return { outcome: 'rolled_back', step };
      if (tick + 1 >= DWELL_TICKS && acc.canary.count >= spec.minRequests) break;
    }
    if (firstStepOnly) return { outcome: 'next', step };
  }
  return { outcome: 'promoted', step: spec.steps.length - 1 };
}

// --- cells -----------------------------------------------------------------

const CELLS = [
  { name: 'healthy, continuous scores', seed: 1, delta: 0, canaryErrors: 0.005, stableErrors: 0.005, rubric: false },
  { name: 'healthy, 1–5 rubric', seed: 2, delta: 0, canaryErrors: 0.005, stableErrors: 0.005, rubric: true },
  {
    name: '10-point quality drop, continuous',
    seed: 3,
    delta: 0.1,
    canaryErrors: 0.005,
    stableErrors: 0.005,
    rubric: false,
  },
  {
    name: '10-point quality drop, 1–5 rubric',
    seed: 4,
    delta: 0.1,
    canaryErrors: 0.005,
    stableErrors: 0.005,
    rubric: true,
  },
  { name: 'errors 5% vs 0.5%', seed: 5, delta: 0, canaryErrors: 0.05, stableErrors: 0.005, rubric: false },
];

const POLICIES = [
  ['Sluice', runSluice],
  ['Flagger-style', (c, r, f) => runBaseline(flaggerFails, c, r, f)],
  ['Kayenta-style', (c, r, f) => runBaseline(kayentaFails, c, r, f)],
];

export async function rows() {
  const out = [];
  for (const cell of CELLS) {
    const healthy = cell.delta === 0 && cell.canaryErrors === cell.stableErrors;
    const drop = cell.delta > 0;
    for (const [policy, run] of POLICIES) {
      const counts = { promoted: 0, paused: 0, rolled_back: 0, first: 0 };
      for (let rep = 0; rep < REPS; rep++) {
        const r = run(cell, rep, !healthy && !drop);
        if (r.outcome === 'rolled_back') {
          counts.rolled_back++;
          if (r.step === 0) counts.first++;
        } else if (r.outcome === 'promoted') counts.promoted++;
        else if (r.outcome === 'paused') counts.paused++;
      }
      const sluice = policy === 'Sluice';
      const label = `canary ${cell.name}: ${policy}`;
      if (healthy) {
        out.push(
          rateRow(`${label}, rolled back (whole rollout)`, counts.rolled_back, REPS, sluice ? '<= 0.01' : undefined),
        );
        out.push(
          rateRow(
            `${label}, rolled back at the first step (errors 0.5% both arms)`,
            counts.first,
            REPS,
            sluice ? '<= 0.01' : undefined,
          ),
        );
        out.push(rateRow(`${label}, promoted`, counts.promoted, REPS));
        if (sluice) out.push(rateRow(`${label}, paused (inconclusive at a deadline)`, counts.paused, REPS));
      } else if (drop) {
        out.push(rateRow(`${label}, promoted`, counts.promoted, REPS, sluice ? '<= 0.05' : undefined));
        out.push(rateRow(`${label}, rolled back at the first step`, counts.first, REPS, sluice ? '>= 0.9' : undefined));
        if (sluice) out.push(rateRow(`${label}, paused (inconclusive at a deadline)`, counts.paused, REPS));
      } else {
        out.push(
          rateRow(`${label}, rolled back at the first step`, counts.first, REPS, sluice ? '>= 0.99' : undefined),
        );
      }
    }
  }
  return out;
}
