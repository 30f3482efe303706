import { SluiceError } from '../../../kernel/errors.js';
import { shortId } from '../../../release/release-id.js';
import type { RouteCommand } from '../../../rollout/rollout-control.js';
import type { RouteStatus } from '../../../rollout/route-status.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { rolloutService, routeOf } from '../rollout-context.js';

function human(s: RouteStatus): string {
  return [
    `${s.route}: ${s.phase}, canary ${s.weight}% (step ${s.step + 1}/${s.steps.length}: ${s.steps.join(' → ')})`,
    `  stable    ${s.stable}`,
    `  candidate ${s.candidate ?? '-'}`,
    ...('halt_reason' in s && s.halt_reason ? [`  halted: ${s.halt_reason}`] : []),
    ...s.monitors.map(
      (m) =>
        `  monitor ${m.name.padEnd(18)} ${m.status.padEnd(12)} ${m.value === null ? '-' : m.value.toFixed(3)} (limit ${m.threshold})`,
    ),
    ...s.events.slice(-8).map((e) => `  ${e.at}  ${e.kind.padEnd(14)} ${e.message}`),
  ].join('\n');
}

export async function runRoll(ctx: CliContext, id: string): Promise<number> {
  const status = await (await rolloutService(ctx)).roll(id, ctx.actor);
  ctx.print(status, () =>
    status.candidate
      ? human(status)
      : `${shortId(status.stable)} is now the stable release of ${status.route} (initial release)`,
  );
  return EXIT.ok;
}

export async function runStatus(ctx: CliContext, opts: { route?: string }): Promise<number> {
  const status = await (await rolloutService(ctx)).status(await routeOf(ctx, opts.route));
  ctx.print(status, () => human(status));
  return EXIT.ok;
}

function command(kind: RouteCommand) {
  return async (ctx: CliContext, opts: { route?: string; reason?: string; to?: string }): Promise<number> => {
    if (kind === 'rollback' && opts.to === undefined && opts.reason === undefined) {
      throw new SluiceError('bad_usage', 'rollback needs --reason TEXT: it is recorded in a signed receipt');
    }
    const service = await rolloutService(ctx);
    const status = await service.command(await routeOf(ctx, opts.route), kind, ctx.actor, {
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.to ? { to: opts.to } : {}),
    });
    ctx.print(status, () => human(status));
    return EXIT.ok;
  };
}

export const runPromote = command('promote');
export const runPause = command('pause');
export const runResume = command('resume');
export const runAbort = command('abort');
export const runRollback = command('rollback');
