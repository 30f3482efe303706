/**
 * The published statistics vectors (SciPy 1.10 / NumPy and R 4.2), read from
 * test/fixtures/vectors/stats.json; provenance in test/fixtures/vectors/README.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

type Pair = [number, number];

export interface StatsVectors {
  spearman_no_ties: { x: number[]; y: number[]; rho: number; p_t_approx: number; p_exact_R: number };
  spearman_ties: { x: number[]; y: number[]; rho: number; p_t_approx: number };
  kendall_tau_b: { x: number[]; y: number[]; tau: number; p: number };
  kendall_tau_b_ties: { x: number[]; y: number[]; tau: number };
  spearman_ci_bonett_wright: { x: number[]; y: number[]; alpha: number; rho: number; se_z: number; ci: Pair };
  holm: { p: number[]; adjusted: number[] };
  bh: { p: number[]; adjusted: number[] };
  mann_whitney_exact: { x: number[]; y: number[]; U: number; p: number };
  mann_whitney_asymptotic: { x: number[]; y: number[]; U: number; p: number };
  mcnemar_exact: { b: number; c: number; p: number };
  normal_quantiles: Record<string, number>;
  ppi_mean: {
    human: number[];
    judge_on_human_items: number[];
    judge_only: number[];
    alpha: number;
    lambda_1: { estimate: number; ci: Pair };
    lambda_hat: number;
    lambda_tuned: { estimate: number; ci: Pair };
    lambda_0: { estimate: number; ci: Pair };
    note: string;
  };
  isotonic_pav: { y: number[]; fit: number[] };
  hodges_lehmann_wilcox_R: {
    source: string;
    cases: { x: number[]; y: number[]; W: number; p: number; ci: Pair; estimate: number }[];
    note: string;
  };
}

const file = join(import.meta.dirname, '../../../test/fixtures/vectors/stats.json');

export const vectors = JSON.parse(readFileSync(file, 'utf8')) as StatsVectors;

/** Closed-form results are matched to this absolute tolerance. */
export const CLOSED_FORM_TOLERANCE = 1e-9;

export function expectClose(actual: number, expected: number, tolerance = CLOSED_FORM_TOLERANCE): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected} (tolerance ${tolerance})`).toBeLessThanOrEqual(
    tolerance,
  );
}

export function expectAllClose(
  actual: readonly number[],
  expected: readonly number[],
  tolerance = CLOSED_FORM_TOLERANCE,
): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, e] of expected.entries()) expectClose(actual[i]!, e, tolerance);
}
