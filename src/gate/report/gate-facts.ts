/** The gate result's facts as display text: the release line, the partial-run note, check values and limits, run facts. */
import { shortId } from '../../release/release-id.js';
import type { GateCheck, GateResult } from '../core/gate-result.js';
import { compact, percent, usd } from './format.js';

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
