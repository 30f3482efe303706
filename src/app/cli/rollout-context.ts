import { hostname } from 'node:os';
import type { RolloutService } from '../../rollout/rollout-service.js';
import { rolloutKick } from '../project.js';
import { SluiceError } from '../../kernel/errors.js';
import type { CliContext } from './context.js';

/**
 * The rollout service for a CLI command. After a change the CLI runs one
 * reconcile pass itself when no controller holds the lease (no `serve` running);
 * otherwise the running controller picks the change up on its next tick.
 */
export async function rolloutService(ctx: CliContext): Promise<RolloutService> {
  const project = await ctx.project();
  const controller = project.controller({ id: `cli:${hostname()}:${process.pid}`, leaseTtlMs: 1000 });
  return project.rolloutService(rolloutKick(controller));
}

/** --route, else the project's only route. */
export async function routeOf(ctx: CliContext, route: string | undefined): Promise<string> {
  if (route) return route;
  const names = [...new Set((await (await ctx.store()).listReleases()).map((r) => r.name))];
  if (names.length === 1) return names[0]!;
  if (names.length === 0) throw new SluiceError('not_found', 'no release registered yet');
  throw new SluiceError('bad_usage', `the project has several routes (${names.join(', ')}): pass --route ROUTE`);
}
