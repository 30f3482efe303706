import type { ReleaseId } from '../release/resolved-manifest.js';

/**
 * What the gateway serves for a route: the stable release, the candidate and its
 * share (percent, 0–100) of a rollout. The rollout controller writes it; every
 * write gets the next `version`, so gateways notice a change by reading one number.
 */
export interface RouteStateRecord {
  readonly route: string;
  readonly stable: ReleaseId;
  readonly candidate: ReleaseId | null;
  /** The candidate's share in percent, 0–100. */
  readonly weight: number;
  /** The rollout the candidate belongs to; sticky assignment is stable within it. */
  readonly rolloutId: string | null;
  readonly version: number;
  readonly updatedAt: string;
}

export type RouteStateInput = Omit<RouteStateRecord, 'version' | 'updatedAt'>;

/** A route's stable pointer. */
export interface RouteRecord {
  readonly name: string;
  readonly stable: ReleaseId;
  readonly updatedAt: string;
}

/** The route state the gateways serve and the controller writes. */
export interface RouteStateStore {
  getRouteStates(): Promise<RouteStateRecord[]>;
  /** Writes a route's state under the next version (one higher than any so far) and returns it; announced to subscribers. */
  putRouteState(state: RouteStateInput): Promise<RouteStateRecord>;
  /** The highest version of any route state; 0 when there is none. */
  routeStateVersion(): Promise<number>;
  /** The route's stable pointer (from route_state). */
  getRoute(name: string): Promise<RouteRecord | undefined>;
  /**
   * Calls `onChange` when another process changes a route's state (stores whose
   * database pushes notifications); undefined where readers must poll (SQLite).
   */
  subscribeRouteChanges?(onChange: () => void): Promise<() => Promise<void>>;
}
