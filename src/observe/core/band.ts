import type { SluiceConfig } from '../../config/sluice-schema.js';
import { meanInterval, wilsonInterval, type Interval } from '../../stats/index.js';
import type { DriftReading } from './drift-detector.js';
import type { WindowAggregate } from './windows.js';

/**
 * The quality band of one completed window: its point view, shown in the
 * window series, the metrics and the receipts. It no longer decides a
 * rollback on its own — a fixed threshold on each window's point value is the
 * Flagger-style rule that rolled healthy releases back and missed thin
 * routes; the sequential drift detector (drift-detector.ts) decides.
 *
 * Rules, checked in this order:
 *
 * 1. Quality evidence. The window's quality is conclusive when the judge
 *    errors are at most half of its quality-judge calls (errors / (scored +
 *    errors) ≤ maxJudgeErrorShare, default 0.5) and it has at least
 *    minSamples scored answers (20, or observe.min_samples_per_window if lower).
 *    Conclusive quality breaches when the mean score is under min_quality, or
 *    under the release's own production reference minus quality_drop (when
 *    the reference is known).
 * 2. Detector evidence. A detector with a ceiling breaches when it looked at
 *    at least minSamples answers and flagged more than the ceiling's share
 *    (rate > ceiling). Detectors are local (refusal phrases, date validity)
 *    and do not need the quality judge, so their evidence stands while the
 *    judge is failing. A detector without a ceiling is reported, never judged.
 * 3. Status: `breach` when any conclusive evidence breaches; otherwise
 *    `judge_failing` when the judge error share is over maxJudgeErrorShare;
 *    otherwise `insufficient` when fewer than minSamples answers were scored
 *    (a window with no samples at all is insufficient); otherwise `ok`.
 *
 * The band uses the point estimates, as the configuration states its
 * thresholds; each window also carries the t interval of its mean quality
 * and the Wilson interval of each detector rate (95%) for the receipt.
 * `insufficient` and `judge_failing` raise an alert (observer-decision.ts).
 */

export const DEFAULT_MIN_SAMPLES = 20;
export const DEFAULT_MAX_JUDGE_ERROR_SHARE = 0.5;
/** The refusal-rate ceiling when none is configured: one answer in ten. */
export const DEFAULT_REFUSAL_CEILING = 0.1;

export type WindowStatus = 'ok' | 'breach' | 'insufficient' | 'judge_failing';

export interface BandSpec {
  /** observe.min_quality. */
  readonly minQuality: number;
  /** The release's own production quality (the drift detector's reference); null or absent skips the drop rule. */
  readonly reference?: number | null;
  /** rollout.monitors.quality_drop. */
  readonly qualityDrop: number;
  /** Highest acceptable flag rate per detector name. */
  readonly detectorCeilings: Readonly<Record<string, number>>;
  /** Scored answers a window needs; default 20. */
  readonly minSamples?: number;
  /** Judge error share above which the judge is failing; default 0.5. */
  readonly maxJudgeErrorShare?: number;
}

export interface DetectorReading {
  readonly flagged: number;
  readonly checked: number;
  /** flagged / checked; null when nothing was checked. */
  readonly rate: number | null;
  /** 95% Wilson interval of the rate; null when nothing was checked. */
  readonly ci: Interval | null;
  readonly ceiling: number | null;
  readonly breach: boolean;
}

/** A window's evaluation: its key, bounds and counts as aggregated, then what the band makes of them. */
export interface WindowEvaluation
  extends Pick<
    WindowAggregate,
    'route' | 'release' | 'slice' | 'start' | 'end' | 'samples' | 'n' | 'meanQuality' | 'judgeErrors'
  > {
  /** 95% t interval of the mean quality; null with fewer than 2 scores. */
  readonly meanCi: Interval | null;
  /** judgeErrors / (n + judgeErrors); null when the judge was not called. */
  readonly judgeErrorShare: number | null;
  readonly detectors: Readonly<Record<string, DetectorReading>>;
  readonly status: WindowStatus;
  /** Why: every breached rule for `breach`, the shortfall for `insufficient` / `judge_failing`. */
  readonly reasons: readonly string[];
  /** The drift detector's reading at the window's end (evaluate-series.ts); absent for a bare evaluation. */
  readonly drift?: DriftReading;
}

const fmt = (v: number): string => String(Number(v.toPrecision(4)));
const pct = (v: number): string => `${fmt(v * 100)}%`;

function checkFraction(name: string, v: unknown): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${String(v)}`);
}

function checkSpec(spec: BandSpec): { minSamples: number; maxShare: number } {
  checkFraction('minQuality', spec.minQuality);
  checkFraction('qualityDrop', spec.qualityDrop);
  if (spec.reference !== undefined && spec.reference !== null) checkFraction('reference', spec.reference);
  for (const [name, c] of Object.entries(spec.detectorCeilings)) checkFraction(`detectorCeilings.${name}`, c);
  const minSamples = spec.minSamples ?? DEFAULT_MIN_SAMPLES;
  if (!Number.isSafeInteger(minSamples) || minSamples < 1)
    throw new RangeError(`minSamples must be an integer ≥ 1, got ${String(minSamples)}`);
  const maxShare = spec.maxJudgeErrorShare ?? DEFAULT_MAX_JUDGE_ERROR_SHARE;
  checkFraction('maxJudgeErrorShare', maxShare);
  return { minSamples, maxShare };
}

export function evaluateWindow(window: WindowAggregate, spec: BandSpec): WindowEvaluation {
  const { minSamples, maxShare } = checkSpec(spec);
  const { n, judgeErrors, meanQuality: mean } = window;
  const calls = n + judgeErrors;
  const judgeErrorShare = calls > 0 ? judgeErrors / calls : null;
  const judgeFailing = judgeErrorShare !== null && judgeErrorShare > maxShare;
  const breaches: string[] = [];

  if (!judgeFailing && n >= minSamples && mean !== null) {
    if (mean < spec.minQuality)
      breaches.push(`mean quality ${fmt(mean)} < min_quality ${fmt(spec.minQuality)} (n = ${n})`);
    const ref = spec.reference;
    if (ref !== undefined && ref !== null && mean < ref - spec.qualityDrop) {
      breaches.push(
        `mean quality ${fmt(mean)} < reference ${fmt(ref)} − quality_drop ${fmt(spec.qualityDrop)} (n = ${n})`,
      );
    }
  }

  const detectors: Record<string, DetectorReading> = {};
  const names = new Set([...Object.keys(window.detectors), ...Object.keys(spec.detectorCeilings)]);
  for (const name of [...names].sort()) {
    const count = window.detectors[name] ?? { flagged: 0, checked: 0 };
    const ceiling = spec.detectorCeilings[name] ?? null;
    const rate = count.checked > 0 ? count.flagged / count.checked : null;
    const breach = ceiling !== null && rate !== null && count.checked >= minSamples && rate > ceiling;
    if (breach) {
      breaches.push(
        `detector ${name} flagged ${pct(rate)} (${count.flagged}/${count.checked}) > ceiling ${pct(ceiling)}`,
      );
    }
    const ci = count.checked > 0 ? wilsonInterval(count.flagged, count.checked) : null;
    detectors[name] = {
      flagged: count.flagged,
      checked: count.checked,
      rate,
      ci: ci && { lower: ci.lower, upper: ci.upper },
      ceiling,
      breach,
    };
  }

  let status: WindowStatus;
  let reasons: string[];
  if (breaches.length > 0) {
    status = 'breach';
    reasons = breaches;
  } else if (judgeFailing) {
    status = 'judge_failing';
    reasons = [
      `judge failing: ${judgeErrors} of ${calls} judge calls failed (${pct(judgeErrorShare!)} > ${pct(maxShare)})`,
    ];
  } else if (n < minSamples) {
    status = 'insufficient';
    reasons = [`insufficient: ${n} scored answer${n === 1 ? '' : 's'} < min_samples ${minSamples}`];
  } else {
    status = 'ok';
    reasons = [];
  }

  const mi = window.scores.length >= 2 ? meanInterval(window.scores) : null;
  return {
    route: window.route,
    release: window.release,
    slice: window.slice,
    start: window.start,
    end: window.end,
    samples: window.samples,
    n,
    meanQuality: mean,
    meanCi: mi && { lower: mi.lower, upper: mi.upper },
    judgeErrors,
    judgeErrorShare,
    detectors,
    status,
    reasons,
  };
}

/**
 * Ceilings for the gate's detectors from sluice.yaml: a detector's own
 * `max_rate` when it sets one; else a `date-validity` detector gets
 * gate.hard.hallucination_rate, a `refusal` detector gets `refusalCeiling`
 * (default 0.1), and other kinds (regex, json-schema, contains, …) get none.
 */
export function detectorCeilingsFromConfig(
  config: Pick<SluiceConfig, 'gate' | 'judges'>,
  opts: { refusalCeiling?: number } = {},
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of config.gate.detectors) {
    const judge = config.judges[name];
    const kind = judge?.kind;
    if (judge?.max_rate !== undefined) out[name] = judge.max_rate;
    else if (kind === 'date-validity') out[name] = config.gate.hard.hallucination_rate;
    else if (kind === 'refusal') out[name] = opts.refusalCeiling ?? DEFAULT_REFUSAL_CEILING;
  }
  return out;
}

/** The band for one slice of a release from sluice.yaml and the release's production reference there. */
export function bandSpecFromConfig(
  config: Pick<SluiceConfig, 'gate' | 'judges' | 'observe' | 'rollout'>,
  opts: { reference?: number | null; refusalCeiling?: number; minSamples?: number; maxJudgeErrorShare?: number } = {},
): BandSpec {
  return {
    minQuality: config.observe.min_quality,
    reference: opts.reference ?? null,
    qualityDrop: config.rollout.monitors.quality_drop,
    detectorCeilings: detectorCeilingsFromConfig(
      config,
      opts.refusalCeiling === undefined ? {} : { refusalCeiling: opts.refusalCeiling },
    ),
    // The point view needs 20 answers; a higher sampling floor buys the detector power, not this view.
    minSamples: opts.minSamples ?? Math.min(DEFAULT_MIN_SAMPLES, config.observe.min_samples_per_window),
    maxJudgeErrorShare: opts.maxJudgeErrorShare ?? DEFAULT_MAX_JUDGE_ERROR_SHARE,
  };
}
