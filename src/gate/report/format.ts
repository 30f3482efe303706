import { shortId } from '../../release/release-id.js';
import type { GateCheck, GateResult, SliceResult, Verdict } from '../core/gate-result.js';

export const VERDICT_SYMBOL: Readonly<Record<Verdict, string>> = { pass: '✅', fail: '❌', review: '⚠️' };

const VERDICT_RANK: Readonly<Record<Verdict, number>> = { fail: 0, review: 1, pass: 2 };

/**
 * Slices worst first: failures, then reviews, then passes; within each by score
 * ascending (a slice without a score before any with one), then by name.
 */
export function worstFirst(slices: readonly SliceResult[]): SliceResult[] {
  return [...slices].sort(
    (a, b) =>
      VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] ||
      scoreOrder(a.score, b.score) ||
      (a.slice < b.slice ? -1 : a.slice > b.slice ? 1 : 0),
  );
}

function scoreOrder(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return a - b;
}

/** A fixed-point number, or an em dash for a missing one. */
export function fixed(value: number | null, digits = 2): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** A signed difference: "+0.03", "-0.27", "0.00". */
export function signed(value: number | null, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return text;
  return `${value < 0 ? '-' : '+'}${text}`;
}

/** "[0.37, 0.45]", or an empty string without an interval. */
export function interval(ci: readonly [number, number] | null, digits = 2): string {
  return ci ? `[${ci[0].toFixed(digits)}, ${ci[1].toFixed(digits)}]` : '';
}

/** A score with its interval: "0.41 [0.37, 0.45]". */
export function scoreWithCi(slice: SliceResult): string {
  const ci = interval(slice.ci);
  return ci ? `${fixed(slice.score)} ${ci}` : fixed(slice.score);
}

/** A rate in [0, 1] as a percentage: "0.8%". */
export function percent(value: number | null, digits = 1): string {
  return value === null || !Number.isFinite(value) ? '—' : `${(value * 100).toFixed(digits)}%`;
}

/** Four significant digits, no trailing zeros: 0.004, 1.063, 812. */
export function compact(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : String(Number(value.toPrecision(4)));
}

/** Dollars: four decimals under a dollar, two from there. */
export function usd(value: number): string {
  return `$${value.toFixed(value !== 0 && Math.abs(value) < 1 ? 4 : 2)}`;
}

/** The calibration ρ, naming the slice whose anchors gave it when that is an ancestor. */
export function calibration(slice: SliceResult): string {
  const rho = fixed(slice.calibration);
  const from = slice.calibration_source;
  return slice.calibration !== null && from !== null && from !== slice.slice ? `${rho} (from ${from})` : rho;
}

export function reasons(slice: SliceResult): string {
  return slice.reasons.join('; ');
}

export function checkValue(check: GateCheck): string {
  return compact(check.value);
}

export function checkLimit(check: GateCheck): string {
  return typeof check.limit === 'number' ? compact(check.limit) : check.limit;
}

/** "release 3f9a2c71d0b4 vs baseline 8e1d5b0c6a27" (or "no baseline"), each short id passed through `wrap`. */
export function releaseLine(result: GateResult, wrap: (shortHex: string) => string = (id) => id): string {
  const base = result.baseline ? `baseline ${wrap(shortId(result.baseline))}` : 'no baseline';
  return `release ${wrap(shortId(result.release))} vs ${base}`;
}

function withBaseline(current: string, baseline: string | null, ratio: number | null): string {
  if (baseline === null) return current;
  return ratio === null
    ? `${current} (baseline ${baseline})`
    : `${current} (baseline ${baseline}, ×${ratio.toFixed(2)})`;
}

function ratioOf(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

/** Latency, errors, spend and the rest of the run's facts, as label/value pairs in display order. */
export function runFacts(result: GateResult): Array<readonly [string, string]> {
  const latency = result.latency_p95_ms === null ? '—' : `${Math.round(result.latency_p95_ms)} ms`;
  const baseLatency =
    result.baseline_latency_p95_ms === null ? null : `${Math.round(result.baseline_latency_p95_ms)} ms`;
  const baseCost = result.baseline_cost_usd === null ? null : usd(result.baseline_cost_usd);
  const facts: Array<readonly [string, string]> = [
    ['latency p95', withBaseline(latency, baseLatency, ratioOf(result.latency_p95_ms, result.baseline_latency_p95_ms))],
    ['error rate', percent(result.error_rate)],
    ['cost', withBaseline(usd(result.cost_usd), baseCost, ratioOf(result.cost_usd, result.baseline_cost_usd))],
    ['tokens', result.tokens.toLocaleString('en-US')],
    ['judge', result.judge ?? '—'],
    ['preprocessing', shortId(result.preprocessing_digest)],
  ];
  if (result.receipt !== null) facts.push(['receipt', `#${result.receipt}`]);
  facts.push(['measured at', result.at]);
  return facts;
}

/** "partial run: <reason> (50 of 120 items)", or null for a complete run. */
export function partialLine(result: GateResult): string | null {
  const p = result.partial;
  return p ? `partial run: ${p.reason} (${p.items_done} of ${p.items_total} items)` : null;
}
