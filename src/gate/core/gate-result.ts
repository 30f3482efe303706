import type { ReleaseId } from '../../release/resolved-manifest.js';
import type { DecisionRule } from './decision-rule.js';
import type { ItemErrorCause } from './item-errors.js';

export type Verdict = 'pass' | 'fail' | 'review';

/** A check's outcome: proven within its threshold, proven beyond it, or neither. */
export type CheckOutcome = 'pass' | 'fail' | 'inconclusive';

export interface PpiEstimate {
  readonly n_human: number;
  readonly estimate: number;
  readonly ci: readonly [number, number];
}

/** One slice of the gate result (DESIGN.md's fields first, then the extra statistics). */
export interface SliceResult {
  readonly slice: string;
  readonly n: number;
  readonly score: number | null;
  readonly ci: readonly [number, number] | null;
  readonly min: number | null;
  readonly baseline_score: number | null;
  readonly delta: number | null;
  readonly calibration: number | null;
  readonly judge_errors: number;
  readonly verdict: Verdict;
  readonly reasons: readonly string[];
  /** 95% paired t interval of candidate − baseline on the same items, inside [−1, 1]. */
  readonly delta_ci: readonly [number, number] | null;
  readonly max_drop: number | null;
  readonly min_items: number;
  /** Non-inferiority at max_drop: the one-sided 97.5% lower bound of delta is above −max_drop. */
  readonly non_inferior: boolean | null;
  /** The smallest Holm-adjusted p-value (across every check of every slice judged) of this slice's checks. */
  readonly p_holm: number | null;
  /**
   * The same under the configured `gate.multiplicity`: the slice fails when it is ≤ the decision rule's
   * alpha_fail. Absent from results recorded before it existed (as are mdd and outcomes).
   */
  readonly p_fail?: number | null;
  /**
   * The minimum detectable drop: the true drop from the baseline that this slice's paired items
   * tell from no change with 80% power (one-sided 2.5%), at their observed spread.
   */
  readonly mdd?: number | null;
  /** The absolute check (against min) and the non-inferiority check (against max_drop); null: not made. */
  readonly outcomes?: { readonly min: CheckOutcome | null; readonly drop: CheckOutcome | null };
  readonly calibration_ci: readonly [number, number] | null;
  /** The slice whose anchors calibrated this one (itself or an ancestor), or null. */
  readonly calibration_source: string | null;
  /** Items whose serving call failed. */
  readonly item_errors: number;
  readonly ppi: PpiEstimate | null;
}

export interface GateCheck {
  readonly name: string;
  readonly value: number | null;
  readonly limit: number | string;
  readonly ok: boolean;
  readonly kind: 'hard' | 'soft';
  readonly message: string;
}

export interface GateOverride {
  readonly actor: string;
  readonly reason: string;
  readonly at: string;
}

/** `sluice gate --json`: the contract shape of DESIGN.md plus Sluice's extra fields. */
export interface GateResult {
  readonly release: ReleaseId;
  readonly baseline: ReleaseId | null;
  readonly verdict: Verdict;
  readonly aggregate: { readonly n: number; readonly score: number | null };
  readonly slices: readonly SliceResult[];
  readonly detectors: Readonly<Record<string, number | null>>;
  readonly latency_p95_ms: number | null;
  readonly error_rate: number;
  readonly override: GateOverride | null;
  readonly receipt: number | null;
  /** The preprocessing the items ran with: roll refuses a release whose own digest differs. */
  readonly preprocessing_digest: string;
  readonly judge: string | null;
  /** The judges and anchors the verdict was judged with, by digest (absent from results recorded before it existed). */
  readonly judged_with?: JudgedWith;
  readonly checks: readonly GateCheck[];
  readonly cost_usd: number;
  readonly tokens: number;
  readonly baseline_latency_p95_ms: number | null;
  readonly baseline_cost_usd: number | null;
  /** Set when a budget stopped the run: the result covers only the items measured. */
  readonly partial: { readonly reason: string; readonly items_done: number; readonly items_total: number } | null;
  /**
   * Why items failed to serve: the first distinct errors with their counts, per arm; empty when
   * none failed (absent from results recorded before it existed). `error_rate` is the candidate's share.
   */
  readonly item_errors?: readonly ItemErrorCause[];
  /** The error rates the verdict is held to (absent from results recorded before it existed). */
  readonly decision?: DecisionRule;
  readonly digest: string;
  readonly at: string;
}

export type JudgeDigests = {
  readonly name: string;
  /** The judge's content digest: kind, rubric bytes, model, scale. */
  readonly digest: string;
  /** The digest of the judge's entry in sluice.yaml. */
  readonly config: string;
};

export type JudgedWith = {
  readonly judge: JudgeDigests | null;
  readonly detectors: readonly JudgeDigests[];
  /** The calibration anchors' digest, or null when there are none. */
  readonly anchors: string | null;
};
