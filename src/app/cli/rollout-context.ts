import { hostname } from 'node:os';
import { openLedger } from '../../audit/ledger/open-ledger.js';
import { Controller } from '../../rollout/controller.js';
import { RolloutService } from '../../rollout/rollout-service.js';
import { SluiceError } from '../../kernel/errors.js';
import type { CliContext } from './context.js';

/**
 * The rollout service for a CLI command. After a change the CLI runs one
 * reconcile pass itself when no controller holds the lease (no `serve` running);
 * otherwise the running controller picks the change up on its next tick.
 */
export async function rolloutService(ctx: CliContext): Promise<RolloutService> {
  const config = await ctx.config();
  const store = await ctx.store();
  const ledger = openLedger(store, config, ctx.projectDir, ctx.io.env);
  const controller = new Controller({ store, ledger, id: `cli:${hostname()}:${process.pid}`, leaseTtlMs: 1000 });
  const kick = async (route: string) => {
    const lease = await store.readLease('sluice:controller');
    if (lease && lease.expiresAt > Date.now() && !lease.holder.startsWith('cli:')) return;
    if (await controller.holdLease()) await controller.reconcileRoute(route);
  };
  return new RolloutService({ store, ledger, config, kick });
}

/** --route, else the project's only route. */
export async function routeOf(ctx: CliContext, route: string | undefined): Promise<string> {
  if (route) return route;
  const names = [...new Set((await (await ctx.store()).listReleases()).map((r) => r.name))];
  if (names.length === 1) return names[0]!;
  if (names.length === 0) throw new SluiceError('not_found', 'no release registered yet');
  throw new SluiceError('bad_usage', `the project has several routes (${names.join(', ')}): pass --route ROUTE`);
}
