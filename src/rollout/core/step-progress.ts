import { computePhase, isActive, stepDeadline } from './phase.js';
import { stepEvidence } from './reconcile.js';
import type { RolloutSpec, RolloutStatus } from './rollout-state.js';

/**
 * Why the current step has not ended yet, as of `now`: a step ends when its
 * dwell has passed, the canary served `min_requests` in it, and every monitor
 * of a reading taken in the step passes (reconcile.ts). `requests` is the
 * canary's requests in the step, counted from the gateways' closed intervals
 * (so it trails live traffic by up to one `interval_seconds`); null when the
 * reader did not count them. Null for a rollout that is not progressing or
 * paused: it has no step running.
 */
export interface StepProgress {
  readonly index: number;
  readonly weight: number;
  readonly started_at: string | null;
  readonly requests: number | null;
  readonly min_requests: number;
  readonly dwell_seconds: number;
  readonly elapsed_seconds: number | null;
  readonly dwell_remaining_seconds: number | null;
  /** When the step pauses by itself if it still cannot end (progressing only). */
  readonly deadline: string | null;
  /** What the step still waits for, in words; empty when it ends at the controller's next tick. */
  readonly waiting_for: readonly string[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const seconds = (ms: number): number => Math.round(ms / 100) / 10;

export function stepProgress(
  spec: RolloutSpec,
  status: RolloutStatus,
  now: number,
  canaryRequestsTotal: number | null,
): StepProgress | null {
  const phase = computePhase(spec, status);
  if (!isActive(phase)) return null;
  const began = status.stepStartedAt;
  const requests = canaryRequestsTotal === null ? null : Math.max(0, canaryRequestsTotal - status.stepRequestsBase);
  const elapsedMs = began === null ? null : Math.max(0, now - began);
  const remainingMs = elapsedMs === null ? null : Math.max(0, spec.dwellSeconds * 1000 - elapsedMs);
  const waiting: string[] = [];
  if (phase === 'paused') waiting.push(`paused by ${status.paused?.by ?? '?'}: sluice resume (or promote, abort)`);
  if (remainingMs === null) waiting.push('the controller to start the step (is sluice serve running?)');
  else if (remainingMs > 0) waiting.push(`dwell: ${seconds(remainingMs)} s of ${spec.dwellSeconds} s left`);
  if (requests === null || requests < spec.minRequests) {
    const served = requests === null ? '?' : String(requests);
    waiting.push(`canary requests: ${served} of ${spec.minRequests}`);
  }
  const evidence = stepEvidence(spec, status);
  if (!evidence.ok) waiting.push(...evidence.waiting.map((w) => `monitor ${w}`));
  return {
    index: status.stepIndex,
    weight: spec.steps[status.stepIndex]!,
    started_at: iso(began),
    requests,
    min_requests: spec.minRequests,
    dwell_seconds: spec.dwellSeconds,
    elapsed_seconds: elapsedMs === null ? null : seconds(elapsedMs),
    dwell_remaining_seconds: remainingMs === null ? null : seconds(remainingMs),
    deadline: phase === 'progressing' ? iso(stepDeadline(spec, status)) : null,
    waiting_for: waiting,
  };
}
