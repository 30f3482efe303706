import type { ReleaseId } from '../../release/resolved-manifest.js';
import type { MonitorResult } from './monitors.js';
import { canaryWeight, computePhase, stepDeadline, type Phase } from './phase.js';
import type { Mark, RolloutEventKind, RolloutSpec, RolloutStatus } from './rollout-state.js';
import { stepProgress, type StepProgress } from './step-progress.js';

/**
 * `sluice status --json` for one route: the contract fields
 * `{ route, stable, candidate, phase, weight, step, steps, monitors, events }`
 * first, then Sluice's extras. `stable` and `candidate` are the rollout's
 * releases as it began (after promotion the route's stable is the candidate);
 * `step` indexes `steps` from 0; `monitors` is the latest reading, each
 * monitor with its anytime-valid `interval` ([lower, upper] of its value),
 * the `evidence` so far (the e-value against its margin; a decision at
 * 1 / `alpha`) and how many more canary requests — judged answers, for
 * quality — the step still `needed` at the current estimate (null: none
 * would settle it).
 *
 * The extras: `rollout` (its id), `score` (the Kayenta-style overall score,
 * 0–100: the weighted share of the conclusive monitors that pass, 0 when a
 * critical one fails, null while none is conclusive — a summary only; the
 * controller decides on each monitor, never on the score), `step_started_at`
 * and `step_deadline` (when the step pauses by itself if it cannot end),
 * `step_progress` (step-progress.ts: requests against `min_requests`, dwell
 * elapsed and remaining, what the step still waits for), `paused`,
 * `halt_reason`.
 */

export interface MonitorView extends MonitorResult {
  readonly interval: readonly [number, number] | null;
  readonly evidence: number | null;
  readonly alpha: number | null;
  readonly needed: number | null;
}

const fact = (r: MonitorResult, k: string): number | null => r.facts[k] ?? null;

export function monitorView(r: MonitorResult): MonitorView {
  const lower = fact(r, 'lower');
  const upper = fact(r, 'upper');
  return {
    ...r,
    interval: lower !== null && upper !== null ? [lower, upper] : null,
    evidence: fact(r, 'e_value'),
    alpha: fact(r, 'alpha'),
    needed: fact(r, 'needed'),
  };
}
export interface RolloutStatusJson {
  readonly route: string;
  readonly stable: ReleaseId;
  readonly candidate: ReleaseId;
  readonly phase: Phase;
  readonly weight: number;
  readonly step: number;
  readonly steps: readonly number[];
  readonly monitors: readonly MonitorView[];
  readonly events: readonly {
    readonly at: string;
    readonly kind: RolloutEventKind;
    readonly step: number;
    readonly weight: number;
    readonly message: string;
  }[];
  readonly rollout: string;
  readonly score: number | null;
  readonly step_progress: StepProgress | null;
  readonly step_started_at: string | null;
  readonly step_deadline: string | null;
  readonly paused: { readonly by: string; readonly reason: string; readonly at: string } | null;
  readonly halt_reason: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const mark = (m: Mark | null) => (m === null ? null : { by: m.by, reason: m.reason, at: new Date(m.at).toISOString() });

/** The rollout's events, times as ISO 8601. */
export function eventsJson(status: RolloutStatus): RolloutStatusJson['events'] {
  return status.events.map((e) => ({
    at: new Date(e.at).toISOString(),
    kind: e.kind,
    step: e.step,
    weight: e.weight,
    message: e.message,
  }));
}

/** Why the rollout stopped short of promotion: the reason it halted or was aborted with; null when it did not. */
export function haltReason(status: RolloutStatus): string | null {
  return status.haltReason ?? status.aborted?.reason ?? null;
}

/** What the reader saw when it read the status: its clock, and the canary's request counter over the rollout (null: not counted). */
export interface StatusReading {
  readonly now: number;
  readonly canaryRequestsTotal: number | null;
}

export function statusJson(spec: RolloutSpec, status: RolloutStatus, reading: StatusReading): RolloutStatusJson {
  const phase = computePhase(spec, status);
  return {
    route: spec.route,
    stable: spec.stable,
    candidate: spec.candidate,
    phase,
    weight: canaryWeight(spec, status),
    step: status.stepIndex,
    steps: [...spec.steps],
    monitors: (status.lastMonitors?.results ?? []).map(monitorView),
    events: eventsJson(status),
    rollout: spec.rolloutId,
    score: status.lastMonitors?.score ?? null,
    step_progress: stepProgress(spec, status, reading.now, reading.canaryRequestsTotal),
    step_started_at: iso(status.stepStartedAt),
    step_deadline: phase === 'progressing' ? iso(stepDeadline(spec, status)) : null,
    paused: mark(status.paused),
    halt_reason: haltReason(status),
  };
}
