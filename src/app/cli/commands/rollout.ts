import { SluiceError } from '../../../kernel/errors.js';
import { shortId } from '../../../release/release-id.js';
import type { RouteCommand } from '../../../rollout/rollout-control.js';
import type { Acted, WaitOptions } from '../../../rollout/rollout-service.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag } from '../number-flag.js';
import { rolloutService, routeOf } from '../rollout-context.js';
import { statusText } from './rollout-text.js';

/** How long roll and the rollout commands wait for the controller by default. */
export const DEFAULT_WAIT_SECONDS = 15;

interface WaitFlags {
  wait?: boolean;
  waitSeconds?: string;
}

function waitOptions(opts: WaitFlags): WaitOptions {
  if (opts.wait === false) return { waitMs: 0 };
  const seconds = numberFlag('--wait-seconds', opts.waitSeconds, { min: 0, expected: 'a number of seconds ≥ 0' });
  return { waitMs: (seconds ?? DEFAULT_WAIT_SECONDS) * 1000 };
}

function report(ctx: CliContext, answer: Acted, wanted: boolean, what: string): void {
  if (wanted && !answer.acted) {
    ctx.note(
      `sluice: ${what} is queued, but no controller acted on it in time: is sluice serve running? (sluice status shows when it does)`,
    );
  }
}

export async function runRoll(ctx: CliContext, id: string, opts: WaitFlags): Promise<number> {
  const wait = waitOptions(opts);
  const answer = await (await rolloutService(ctx)).rollAndWait(id, ctx.actor, wait);
  const status = answer.status;
  report(ctx, answer, (wait.waitMs ?? 0) > 0, 'the rollout');
  ctx.print(status, () =>
    status.candidate
      ? statusText(status)
      : `${shortId(status.stable)} is now the stable release of ${status.route} (initial release)`,
  );
  return EXIT.ok;
}

export async function runStatus(ctx: CliContext, opts: { route?: string }): Promise<number> {
  const status = await (await rolloutService(ctx)).status(await routeOf(ctx, opts.route));
  ctx.print(status, () => statusText(status));
  return EXIT.ok;
}

function command(kind: RouteCommand) {
  return async (
    ctx: CliContext,
    opts: { route?: string; reason?: string; to?: string } & WaitFlags,
  ): Promise<number> => {
    if (kind === 'rollback' && opts.to === undefined && opts.reason === undefined) {
      throw new SluiceError('bad_usage', 'rollback needs --reason TEXT: it is recorded in a signed receipt');
    }
    const wait = waitOptions(opts);
    const service = await rolloutService(ctx);
    const answer = await service.commandAndWait(
      await routeOf(ctx, opts.route),
      kind,
      ctx.actor,
      {
        ...(opts.reason ? { reason: opts.reason } : {}),
        ...(opts.to ? { to: opts.to } : {}),
      },
      wait,
    );
    report(ctx, answer, (wait.waitMs ?? 0) > 0, `the ${kind}`);
    ctx.print(answer.status, () => statusText(answer.status));
    return EXIT.ok;
  };
}

export const runPromote = command('promote');
export const runPause = command('pause');
export const runResume = command('resume');
export const runAbort = command('abort');
export const runRollback = command('rollback');
