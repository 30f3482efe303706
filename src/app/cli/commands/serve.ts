import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, PORT } from '../number-flag.js';
import { serveOnThread, servesOnThread, stopRequested } from '../serve-thread.js';
import { startHeapJanitor } from '../../server/heap-janitor.js';

/** `sluice serve`: runs until SIGINT/SIGTERM, then stops taking requests and writes every trace before exiting. */
export async function runServe(
  ctx: CliContext,
  opts: { port?: string; host?: string; controller?: boolean },
): Promise<number> {
  if (servesOnThread(ctx.io.processArgv, ctx.io.env)) return serveOnThread(ctx.io.processArgv, ctx.io.stderr);
  const port = numberFlag('--port', opts.port, PORT) ?? 8787;
  // The server's modules load here, on the thread that serves: the main thread only waits for it.
  const { startServer } = await import('../../server/start-server.js');
  const { storeUrl } = await import('../../../store/open-store.js');
  const project = await ctx.project();
  const server = await startServer({
    project,
    store: project.store,
    storeUrl: storeUrl(project.config.store, ctx.io.env),
    config: project.config,
    projectDir: project.projectDir,
    env: project.env,
    port,
    host: opts.host ?? '127.0.0.1',
    controller: opts.controller !== false,
    onError: (e) => ctx.io.stderr(`sluice serve: ${(e as Error)?.message ?? String(e)}\n`),
  });
  const stopJanitor = startHeapJanitor();
  ctx.print(
    { url: server.url, port: server.port },
    () => `sluice serving on ${server.url} (OpenAI-compatible: ${server.url}/v1, control API: ${server.url}/api/v1)`,
  );
  await stopRequested();
  ctx.note('shutting down: finishing requests in flight and writing traces');
  stopJanitor();
  await server.close();
  return EXIT.ok;
}
