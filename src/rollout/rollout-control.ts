import type { CommandKind } from './core/index.js';
import type { RouteStatus } from './route-status.js';

/** An operator's command on a route's rollout. */
export type RouteCommand = CommandKind;

/** What the CLI and the control API drive: each operation answers with the route's status. */
export interface RolloutControl {
  status(route: string): Promise<RouteStatus>;
  command(
    route: string,
    kind: RouteCommand,
    actor: string,
    opts: { reason?: string; to?: string },
  ): Promise<RouteStatus>;
  roll(releaseId: string, actor: string): Promise<RouteStatus>;
}
