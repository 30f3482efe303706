import type { Multiplicity } from '../../stats/index.js';

/**
 * The error rates the gate's decisions are held to (docs/decisions.md):
 * - fail: a slice is failed only on evidence that it is under its `min` or has
 *   dropped more than its `max_drop`, at ALPHA_FAIL after the configured
 *   multiplicity control across every check of every slice judged (Holm: the
 *   chance that any slice that meets its thresholds is failed is ≤ 1%).
 * - pass: both checks' one-sided (1 − ALPHA_PASS) bounds clear the thresholds, so
 *   a slice under its min, or dropped more than max_drop, passes ≤ 2.5% of the
 *   time, and so does a release with such a slice (it passes only when every
 *   slice does).
 * - review: everything else, with the reason; never a pass.
 * The minimum detectable drop is reported at POWER.
 */
export const ALPHA_FAIL = 0.01;
export const ALPHA_PASS = 0.025;
export const POWER = 0.8;

export interface DecisionRule {
  readonly multiplicity: Multiplicity;
  readonly alpha_fail: number;
  readonly alpha_pass: number;
  readonly power: number;
}

export function decisionRule(multiplicity: Multiplicity): DecisionRule {
  return { multiplicity, alpha_fail: ALPHA_FAIL, alpha_pass: ALPHA_PASS, power: POWER };
}
