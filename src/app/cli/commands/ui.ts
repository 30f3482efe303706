import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, PORT } from '../number-flag.js';
import { stopRequested } from '../serve-thread.js';

/** `sluice ui`: the dashboard, read-only, on the project's store, until SIGINT/SIGTERM. */
export async function runUi(ctx: CliContext, opts: { port?: string; host?: string }): Promise<number> {
  const port = numberFlag('--port', opts.port, PORT) ?? 8788;
  const { startUi } = await import('../../server/start-ui.js');
  const project = await ctx.project();
  const ui = await startUi(project, { port, host: opts.host ?? '127.0.0.1' });
  ctx.print({ url: `${ui.url}/ui/`, port: ui.port }, () => `Sluice dashboard (read-only) on ${ui.url}/ui/`);
  await stopRequested();
  await ui.close();
  return EXIT.ok;
}
