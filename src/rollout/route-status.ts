import type { ReleaseId } from '../release/resolved-manifest.js';
import type { RolloutStatusJson } from './core/index.js';

/** A route that has a stable release and has never had a rollout. */
export interface IdleRouteStatus {
  readonly route: string;
  readonly stable: ReleaseId;
  readonly candidate: null;
  readonly phase: 'idle';
  readonly weight: 0;
  readonly step: 0;
  readonly steps: readonly number[];
  readonly monitors: readonly [];
  readonly events: readonly [];
  /** No rollout, so no rollout id and no step in progress. */
  readonly rollout: null;
  readonly step_progress: null;
}

/**
 * `sluice status --json` and `GET /api/v1/routes/:route/status`: the route's
 * latest rollout (with the route's current stable), or the idle route.
 */
export type RouteStatus = RolloutStatusJson | IdleRouteStatus;
