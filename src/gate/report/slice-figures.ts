/** How a gate result's slices are shown: worst first, with their figures in the report columns' order. */
import type { SliceResult, Verdict } from '../core/gate-result.js';
import { fixed, interval, signed } from './format.js';

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

/** A score with its interval: "0.41 [0.37, 0.45]". */
export function scoreWithCi(slice: SliceResult): string {
  const ci = interval(slice.ci);
  return ci ? `${fixed(slice.score)} ${ci}` : fixed(slice.score);
}

/** The calibration ρ, naming the slice whose anchors gave it when that is an ancestor. */
export function calibration(slice: SliceResult): string {
  const rho = fixed(slice.calibration);
  const from = slice.calibration_source;
  return slice.calibration !== null && from !== null && from !== slice.slice ? `${rho} (from ${from})` : rho;
}

/** The headings of a slice's figures, in the order sliceFigures gives them. */
export const SLICE_FIGURES = ['n', 'score [ci]', 'min', 'baseline', 'Δ', 'calibration ρ'] as const;

/** A slice's figures as display text: n, score [ci], min, baseline score, Δ and calibration ρ. */
export function sliceFigures(slice: SliceResult): string[] {
  return [
    String(slice.n),
    scoreWithCi(slice),
    fixed(slice.min),
    fixed(slice.baseline_score),
    signed(slice.delta),
    calibration(slice),
  ];
}

export function reasons(slice: SliceResult): string {
  return slice.reasons.join('; ');
}
