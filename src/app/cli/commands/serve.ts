import { isatty } from 'node:tty';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, PORT } from '../number-flag.js';
import { serveOnThread, servesOnThread, stopRequested } from '../serve-thread.js';
import { startHeapJanitor } from '../../server/heap-janitor.js';
import { SluiceError } from '../../../kernel/errors.js';

export interface ServeOptions {
  port?: string;
  host?: string;
  controller?: boolean;
  logRequests?: boolean;
  logFormat?: string;
}

/**
 * `sluice serve`: runs until SIGINT/SIGTERM, then stops taking requests and writes every trace before exiting.
 * Its log (pino) goes to standard output — to standard error with --json, which keeps standard output for the
 * one document {url, port} — as JSON lines, or pino-pretty's lines when that output is a terminal.
 */
export async function runServe(ctx: CliContext, opts: ServeOptions): Promise<number> {
  if (servesOnThread(ctx.io.processArgv, ctx.io.env)) return serveOnThread(ctx.io.processArgv, ctx.io.stderr);
  const port = numberFlag('--port', opts.port, PORT) ?? 8787;
  if (opts.logFormat !== undefined && opts.logFormat !== 'json' && opts.logFormat !== 'pretty')
    throw new SluiceError('bad_usage', `--log-format must be json or pretty, not "${opts.logFormat}"`);
  // The server's modules load here, on the thread that serves: the main thread only waits for it.
  const { startServer } = await import('../../server/start-server.js');
  const { createServerLog } = await import('../../server/server-log.js');
  const { pino } = await import('pino');
  const { storeUrl } = await import('../../../store/open-store.js');
  const fd = ctx.json ? 2 : 1;
  // The file descriptor, not process.stdout: on the serving thread that is a pipe to the main thread.
  const pretty = opts.logFormat === 'pretty' || (opts.logFormat === undefined && isatty(fd));
  const log = createServerLog(pretty ? { pretty: true, fd } : { stream: pino.destination({ fd, sync: true }) });
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
    log,
    logRequests: opts.logRequests === true,
  });
  const stopJanitor = startHeapJanitor();
  const api = `${server.url}/api/v1`;
  log.info(
    {
      event: 'listening',
      url: server.url,
      openai: `${server.url}/v1`,
      api,
      controller: opts.controller !== false,
      observer: true,
      log_requests: opts.logRequests === true,
    },
    `sluice serving on ${server.url} (OpenAI-compatible: ${server.url}/v1, control API: ${api})`,
  );
  if (ctx.json) ctx.print({ url: server.url, port: server.port }, () => '');
  await stopRequested();
  log.info({ event: 'stopping' }, 'shutting down: finishing requests in flight and writing traces');
  stopJanitor();
  await server.close();
  log.info({ event: 'stopped' }, 'stopped');
  return EXIT.ok;
}
