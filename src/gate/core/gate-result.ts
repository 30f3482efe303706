import type { ReleaseId } from '../../release/resolved-manifest.js';

export type Verdict = 'pass' | 'fail' | 'review';

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
  /** Paired-bootstrap interval of candidate − baseline on the same items. */
  readonly delta_ci: readonly [number, number] | null;
  readonly max_drop: number | null;
  readonly min_items: number;
  /** Non-inferiority at max_drop: the one-sided 97.5% lower bound of delta is above −max_drop. */
  readonly non_inferior: boolean | null;
  /** Holm-adjusted p-value (across slices) of a paired test for a drop. */
  readonly p_holm: number | null;
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
  readonly checks: readonly GateCheck[];
  readonly cost_usd: number;
  readonly tokens: number;
  readonly baseline_latency_p95_ms: number | null;
  readonly baseline_cost_usd: number | null;
  /** Set when a budget stopped the run: the result covers only the items measured. */
  readonly partial: { readonly reason: string; readonly items_done: number; readonly items_total: number } | null;
  readonly digest: string;
  readonly at: string;
}
