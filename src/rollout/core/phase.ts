import type { ReleaseId } from '../../release/resolved-manifest.js';
import { assertStatusFits, type RolloutSpec, type RolloutStatus } from './rollout-state.js';

export const PHASES = ['idle', 'progressing', 'paused', 'promoted', 'rolled_back', 'aborted'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * The phase, from the status alone. A rollout that has been rolled back
 * (even after promotion) is rolled_back; otherwise aborted, promoted and
 * paused are read from their marks in that order; a started rollout with
 * none of them is progressing, and one that has not started is idle.
 */
export function computePhase(spec: RolloutSpec, status: RolloutStatus): Phase {
  assertStatusFits(spec, status);
  if (status.startedAt === null) return 'idle';
  if (status.rolledBackAt !== null) return 'rolled_back';
  if (status.aborted !== null) return 'aborted';
  if (status.promotedAt !== null) return 'promoted';
  if (status.paused !== null) return 'paused';
  return 'progressing';
}

/** Phases in which the candidate still takes canary traffic and the controller watches it. */
export function isActive(phase: Phase): boolean {
  return phase === 'progressing' || phase === 'paused';
}

/**
 * The candidate's share of the route's traffic in percent: 0 when idle,
 * rolled back or aborted; the current step's weight while progressing or
 * paused; 100 once promoted.
 */
export function canaryWeight(spec: RolloutSpec, status: RolloutStatus): number {
  const phase = computePhase(spec, status);
  if (phase === 'promoted') return 100;
  if (!isActive(phase)) return 0;
  return spec.steps[status.stepIndex]!;
}

/**
 * When the current step gives up waiting for conclusive evidence and pauses:
 * stepStartedAt + max(2 × dwell, dwell + 10 × interval). Null when no step is running.
 */
export function stepDeadline(spec: RolloutSpec, status: RolloutStatus): number | null {
  if (status.stepStartedAt === null) return null;
  const dwell = spec.dwellSeconds;
  return status.stepStartedAt + Math.max(2 * dwell, dwell + 10 * spec.intervalSeconds) * 1000;
}

/** The end of the rollback window after promotion, or null. */
export function warmUntil(spec: RolloutSpec, status: RolloutStatus): number | null {
  return status.promotedAt === null ? null : status.promotedAt + spec.rollbackWindowSeconds * 1000;
}

/**
 * The routing the route should have, level-triggered: the edge can compare it
 * with what the gateway serves on every tick (and after a restart) and repair
 * any difference, so an action lost in a crash between the status write and
 * its application is applied again.
 */
export interface DesiredRoute {
  readonly route: string;
  readonly stable: ReleaseId;
  readonly canary: { readonly release: ReleaseId; readonly weight: number } | null;
  /** A release kept loaded for a fast rollback, until `until`. */
  readonly warm: { readonly release: ReleaseId; readonly until: number } | null;
}

export function desiredRoute(spec: RolloutSpec, status: RolloutStatus): DesiredRoute {
  const phase = computePhase(spec, status);
  const route = spec.route;
  if (phase === 'promoted') {
    // A holdback keeps a small share on the previous stable: the observer's reference for the promoted release.
    return {
      route,
      stable: spec.candidate,
      canary: spec.holdbackPercent > 0 ? { release: spec.stable, weight: spec.holdbackPercent } : null,
      warm: { release: spec.stable, until: warmUntil(spec, status)! },
    };
  }
  if (isActive(phase)) {
    return {
      route,
      stable: spec.stable,
      canary: { release: spec.candidate, weight: canaryWeight(spec, status) },
      warm: null,
    };
  }
  return { route, stable: spec.stable, canary: null, warm: null };
}
