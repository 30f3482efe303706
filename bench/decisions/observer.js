// Observer decisions: simulated production streams of judged answers with a
// known truth, run through Sluice's compiled drift detector (dist/observe/core/
// drift-detector.js, the code `sluice serve` runs) with sluice.yaml's default
// observe settings, beside two baselines on the same answers:
//   - Flagger-style: a fixed threshold on each window's point value (mean
//     under the gate score − quality_drop, or under min_quality), windows with
//     fewer than 20 answers insufficient, `consecutive` failing windows roll back;
//   - Kayenta-style: a one-sided Mann–Whitney test of each window against the
//     release's reference answers at α = 0.02, no correction for looking every
//     window: a failing window rolls back.
// Scores: quality + judge noise (sd 0.15 or 0.2), clamped to [0, 1], either
// continuous or read on a 1–5 rubric. Healthy production quality is 0.75; the
// gate score sits at production quality or 0.03 above it (the suite is not
// production traffic). Every stream first runs reference_samples healthy answers
// (the release's own production reference), then the measured part.
import { normalCdf } from '../../dist/stats/normal.js';
import { advanceDrift, initialDriftState } from '../../dist/observe/core/drift-detector.js';
import { sluiceConfigSchema } from '../../dist/config/sluice-schema.js';
import { clamp01, normal, rateRow, rng, rubric } from './support.js';

const observe = sluiceConfigSchema.parse({ project: 'bench', providers: { p: { kind: 'sim' } } }).observe;
const QUALITY = 0.75;
const QUALITY_DROP = 0.05; // rollout.monitors.quality_drop default
const MIN_SAMPLES = 20; // the seed's insufficient-window rule
const PER_WINDOW = 25; // the no-change cell
const FLOOR = observe.min_samples_per_window; // judged answers a window at the default floor (50)
const REFUSAL_CEILING = 0.1;

function spec(consecutive = observe.consecutive) {
  return {
    minQuality: observe.min_quality,
    minDrop: observe.min_drop,
    arl0: observe.arl0,
    referenceSamples: observe.reference_samples,
    consecutive,
    detectorCeilings: { refusal: REFUSAL_CEILING },
  };
}

/** A judged answer: its score and whether the refusal detector flags it. */
function answer(u, mean, sd, onRubric, hedgeRate = 0) {
  if (hedgeRate > 0 && u() < hedgeRate) {
    const x = clamp01(0.15 + sd * normal(u));
    return { score: onRubric ? rubric(x) : x, flagged: true };
  }
  const x = clamp01(mean + sd * normal(u));
  return { score: onRubric ? rubric(x) : x, flagged: false };
}

/** The three deciders over one stream; each `step(window)` returns true on a rollback (and restarts). */
function deciders(reference, gate, consecutive = observe.consecutive) {
  const s = spec(consecutive);
  let state = initialDriftState();
  const sorted = [...reference].sort((a, b) => a - b);
  const refTies = new Map();
  for (const x of reference) refTies.set(x, (refTies.get(x) ?? 0) + 1);
  const fold = (scores, flags) =>
    advanceDrift(state, { start: 0, scores, detectors: { refusal: { flagged: flags, checked: scores.length } } }, s);
  // Feed the reference as production windows: the detector measures it itself.
  for (let i = 0; i < reference.length; i += PER_WINDOW) state = fold(reference.slice(i, i + PER_WINDOW), 0).state;
  let flaggerRun = 0;
  return {
    sluice(scores, flags) {
      const r = fold(scores, flags);
      state = r.state;
      if (r.reading.rollback === null) return false;
      // After a rollback the release is gone; a fresh detector watches what comes next, reference kept.
      const keep = state.referenceMoments;
      state = { ...initialDriftState(), referenceMoments: keep, seen: keep };
      return true;
    },
    flagger(scores) {
      if (scores.length < MIN_SAMPLES) return false; // insufficient: neither extends nor ends the run
      const m = scores.reduce((a, b) => a + b, 0) / scores.length;
      if (m < gate - QUALITY_DROP || m < observe.min_quality) flaggerRun++;
      else flaggerRun = 0;
      if (flaggerRun < consecutive) return false;
      flaggerRun = 0;
      return true;
    },
    kayenta(scores) {
      if (scores.length === 0) return false;
      return mannWhitneyLowerP(scores, sorted, refTies) < 0.02;
    },
  };
}

/** One-sided Mann–Whitney p-value that `xs` is stochastically smaller than the reference (normal approximation, tie-corrected). */
function mannWhitneyLowerP(xs, sortedRef, refTies) {
  const m = sortedRef.length;
  const n = xs.length;
  let u = 0;
  const ties = new Map(refTies);
  for (const x of xs) {
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortedRef[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    let eq = lo;
    while (eq < m && sortedRef[eq] === x) eq++;
    u += lo + 0.5 * (eq - lo);
    ties.set(x, (ties.get(x) ?? 0) + 1);
  }
  const N = m + n;
  let t = 0;
  for (const c of ties.values()) t += c * c * c - c;
  const v = ((n * m) / 12) * (N + 1 - t / (N * (N - 1)));
  if (v <= 0) return 1;
  return normalCdf((u - (n * m) / 2 + 0.5) / Math.sqrt(v));
}

function referenceOf(u, sd, onRubric) {
  return Array.from({ length: observe.reference_samples }, () => answer(u, QUALITY, sd, onRubric).score);
}

function windowOf(u, n, mean, sd, onRubric, hedgeRate = 0) {
  const scores = [];
  let flags = 0;
  for (let i = 0; i < n; i++) {
    const a = answer(u, mean, sd, onRubric, hedgeRate);
    scores.push(a.score);
    if (a.flagged) flags++;
  }
  return { scores, flags };
}

const NOISES = [
  { sd: 0.15, onRubric: false, label: 'judge sd 0.15' },
  { sd: 0.2, onRubric: false, label: 'judge sd 0.2' },
  { sd: 0.15, onRubric: true, label: 'judge sd 0.15, 1–5 rubric' },
  { sd: 0.2, onRubric: true, label: 'judge sd 0.2, 1–5 rubric' },
];

/** No change: false rollbacks per window, 25 judged answers a window; the Flagger-style rule with the gate at and 0.03 above production. */
function falseRollbacks(noise, seed, runs = 1000, windows = 1000, perWindow = PER_WINDOW) {
  const u = rng(seed);
  const k = { sluice: 0, flagger: 0, flagger03: 0, kayenta: 0 };
  for (let r = 0; r < runs; r++) {
    const reference = referenceOf(u, noise.sd, noise.onRubric);
    const d = deciders(reference, QUALITY);
    const above = deciders(reference, QUALITY + 0.03);
    for (let w = 0; w < windows; w++) {
      const { scores, flags } = windowOf(u, perWindow, QUALITY, noise.sd, noise.onRubric);
      if (d.sluice(scores, flags)) k.sluice++;
      if (d.flagger(scores)) k.flagger++;
      if (above.flagger(scores)) k.flagger03++;
      if (d.kayenta(scores)) k.kayenta++;
    }
  }
  return { k, n: runs * windows };
}

/** A sustained 10-point drop from the first measured window: rolled back within `horizon` windows. */
function detections(noise, seed, perWindow, runs = 2000, horizon = 5, drop = 0.1) {
  const u = rng(seed);
  const k = { sluice: 0, flagger: 0, kayenta: 0 };
  for (let r = 0; r < runs; r++) {
    const d = deciders(referenceOf(u, noise.sd, noise.onRubric), QUALITY);
    const hit = { sluice: false, flagger: false, kayenta: false };
    for (let w = 0; w < horizon; w++) {
      const { scores, flags } = windowOf(u, perWindow, QUALITY - drop, noise.sd, noise.onRubric);
      if (!hit.sluice && d.sluice(scores, flags)) hit.sluice = true;
      if (!hit.flagger && d.flagger(scores)) hit.flagger = true;
      if (!hit.kayenta && d.kayenta(scores)) hit.kayenta = true;
    }
    for (const name of Object.keys(k)) if (hit[name]) k[name]++;
  }
  return { k, n: runs };
}

/**
 * 1 request a second, default observe settings: 5% sampling with the floor of
 * min_samples_per_window judged answers a window. The release runs healthy
 * for 30 minutes, then 30% of its answers hedge (the judge scores a hedge
 * about 0.15; the refusal detector flags it). Rolled back within 10 minutes?
 */
function lowTraffic(noise, seed, runs = 1000) {
  const u = rng(seed);
  const perWindow = () => {
    let rate = 0;
    for (let i = 0; i < 60; i++) if (u() < observe.sample_rate) rate++;
    return Math.min(60, Math.max(observe.min_samples_per_window, rate));
  };
  const k = { sluice: 0, flagger: 0, kayenta: 0 };
  let falseBefore = 0;
  for (let r = 0; r < runs; r++) {
    const d = deciders(referenceOf(u, noise.sd, noise.onRubric), QUALITY + 0.03);
    for (let w = 0; w < 30; w++) {
      const { scores, flags } = windowOf(u, perWindow(), QUALITY, noise.sd, noise.onRubric);
      if (d.sluice(scores, flags)) falseBefore++;
      d.flagger(scores);
      d.kayenta(scores);
    }
    const hit = { sluice: false, flagger: false, kayenta: false };
    for (let w = 0; w < 10; w++) {
      const { scores, flags } = windowOf(u, perWindow(), QUALITY, noise.sd, noise.onRubric, 0.3);
      if (!hit.sluice && d.sluice(scores, flags)) hit.sluice = true;
      if (!hit.flagger && d.flagger(scores)) hit.flagger = true;
      if (!hit.kayenta && d.kayenta(scores)) hit.kayenta = true;
    }
    for (const name of Object.keys(k)) if (hit[name]) k[name]++;
  }
  return { k, n: runs, falseBefore };
}

/**
 * The seed's blind spot: windows of 19 judged answers at quality 0.1 and a
 * 100% refusal rate (under the old 20-answer minimum). Rolled back within 5 windows?
 */
function thinFailing(seed, runs = 1000) {
  const u = rng(seed);
  const k = { sluice: 0, flagger: 0, kayenta: 0 };
  for (let r = 0; r < runs; r++) {
    const d = deciders(referenceOf(u, 0.2, false), QUALITY);
    const hit = { sluice: false, flagger: false, kayenta: false };
    for (let w = 0; w < 5; w++) {
      const { scores } = windowOf(u, 19, 0.1, 0.2, false);
      if (!hit.sluice && d.sluice(scores, scores.length)) hit.sluice = true;
      if (!hit.flagger && d.flagger(scores)) hit.flagger = true;
      if (!hit.kayenta && d.kayenta(scores)) hit.kayenta = true;
    }
    for (const name of Object.keys(k)) if (hit[name]) k[name]++;
  }
  return { k, n: runs };
}

/** A transient dip: one window at quality 0.25, healthy before and after. Rolled back? (reported, no budget) */
function transientDip(seed, runs = 2000) {
  const u = rng(seed);
  const k = { sluice: 0, flagger: 0, kayenta: 0 };
  for (let r = 0; r < runs; r++) {
    const d = deciders(referenceOf(u, 0.2, false), QUALITY);
    const hit = { sluice: false, flagger: false, kayenta: false };
    for (let w = 0; w < 20; w++) {
      const { scores, flags } = windowOf(u, PER_WINDOW, w === 5 ? 0.25 : QUALITY, 0.2, false);
      if (!hit.sluice && d.sluice(scores, flags)) hit.sluice = true;
      if (!hit.flagger && d.flagger(scores)) hit.flagger = true;
      if (!hit.kayenta && d.kayenta(scores)) hit.kayenta = true;
    }
    for (const name of Object.keys(k)) if (hit[name]) k[name]++;
  }
  return { k, n: runs };
}

const NAMES = { sluice: 'Sluice (CUSUM)', flagger: 'Flagger-style', kayenta: 'Kayenta-style' };

/**
 * SLUICE_BENCH_OBSERVER_PART: '0'…'3' runs one noise setting's rows, 'rest' the others; unset, all.
 * Each part has fixed seeds, so the parts run in parallel give the rows of one full run.
 */
export async function rows() {
  const part = process.env.SLUICE_BENCH_OBSERVER_PART;
  const out = [];
  for (const [i, noise] of NOISES.entries()) {
    if (part !== undefined && part !== String(i)) continue;
    let seed = 9100 + 4 * i;
    {
      const { k, n } = falseRollbacks(noise, seed++);
      const base = `observer, no change, 25 judged answers a window, ${noise.label}: false rollbacks per window`;
      out.push(rateRow(`${base}, Sluice (CUSUM; the gate score plays no part)`, k.sluice, n, '<= 0.0001'));
      out.push(rateRow(`${base}, Flagger-style, gate at production`, k.flagger, n));
      out.push(rateRow(`${base}, Flagger-style, gate 0.03 above production`, k.flagger03, n));
      out.push(rateRow(`${base}, Kayenta-style`, k.kayenta, n));
    }
    {
      // At the default floor's traffic: 1,000 runs of 200 windows (2 × 10⁵ windows; no false rollback there bounds the rate under 2 per 10⁵).
      const { k, n } = falseRollbacks(noise, seed++, 1000, 200, FLOOR);
      out.push(
        rateRow(
          `observer, no change, ${FLOOR} judged answers a window (the default floor), ${noise.label}: false rollbacks per window, Sluice (CUSUM)`,
          k.sluice,
          n,
          '<= 0.0001',
        ),
      );
    }
    // The budgeted detection: at the traffic the default floor judges (50 answers a window, reached at
    // 50 requests a window; 5% sampling reaches it alone at 1,000). At 25 a window: reported.
    for (const [perWindow, budget] of [
      [FLOOR, '>= 0.95'],
      [PER_WINDOW, undefined],
    ]) {
      const { k, n } = detections(noise, seed++, perWindow);
      for (const who of ['sluice', 'flagger', 'kayenta']) {
        out.push(
          rateRow(
            `observer, sustained 10-point drop, ${perWindow} judged answers a window, ${noise.label}: rolled back within 5 windows, ${NAMES[who]}`,
            k[who],
            n,
            who === 'sluice' ? budget : undefined,
          ),
        );
      }
    }
  }
  if (part !== undefined && part !== 'rest') return out;
  let seed = 9100 + 4 * NOISES.length;
  for (const noise of [NOISES[1], NOISES[3]]) {
    const { k, n, falseBefore } = lowTraffic(noise, seed++);
    for (const who of ['sluice', 'flagger', 'kayenta']) {
      out.push(
        rateRow(
          `observer, 1 req/s, default config, release starts hedging (30% of answers), ${noise.label}: rolled back within 10 minutes, ${NAMES[who]}`,
          k[who],
          n,
          who === 'sluice' ? '>= 0.95' : undefined,
        ),
      );
    }
    out.push(
      rateRow(
        `observer, 1 req/s, default config, 30 healthy minutes before the hedging, ${noise.label}: runs with a false rollback, Sluice (CUSUM)`,
        falseBefore,
        n,
      ),
    );
  }
  {
    const { k, n } = thinFailing(seed++);
    for (const who of ['sluice', 'flagger', 'kayenta'])
      out.push(
        rateRow(
          `observer, windows of 19 judged answers at quality 0.1 and 100% refusals: rolled back within 5 windows, ${NAMES[who]}`,
          k[who],
          n,
          who === 'sluice' ? '>= 0.95' : undefined,
        ),
      );
  }
  {
    const { k, n } = transientDip(seed++);
    for (const who of ['sluice', 'flagger', 'kayenta'])
      out.push(
        rateRow(
          `observer, one-window dip to quality 0.25, healthy around it, judge sd 0.2: rolled back, ${NAMES[who]}`,
          k[who],
          n,
        ),
      );
  }
  return out;
}
