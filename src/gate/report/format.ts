import type { Verdict } from '../core/gate-result.js';

export const VERDICT_SYMBOL: Readonly<Record<Verdict, string>> = { pass: '✅', fail: '❌', review: '⚠️' };

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
