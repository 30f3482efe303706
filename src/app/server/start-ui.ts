import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { controlApi } from '../api/control-api.js';
import { dashboardRoutes } from '../api/dashboard-routes.js';
import { tokenDirectory } from '../api/token-directory.js';
import { isLoopbackHost } from './loopback.js';
import { SluiceError } from '../../kernel/errors.js';
import type { Project } from '../project.js';
import { uiAssets } from '../ui/ui-assets.js';

export interface RunningUi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `sluice ui`: the dashboard and the control API's reads on a project's store,
 * without the gateway, the controller or the observer. Read-only: every change
 * is refused (it is made through `sluice serve` or the CLI).
 */
export async function startUi(project: Project, o: { port: number; host: string }): Promise<RunningUi> {
  // Prompts, answers and the log are no one else's business: beyond loopback, a viewer token is needed to read.
  if (!isLoopbackHost(o.host) && (await project.store.tokenCount()) === 0)
    throw new SluiceError(
      'bad_usage',
      `refusing to show the dashboard on ${o.host}: anyone who can reach that address could read the project, and no control token exists`,
      {
        detail: 'create one first: sluice token create --role viewer --name NAME, or keep the default --host 127.0.0.1',
      },
    );
  const service = project.rolloutService(async () => {});
  const shadows = project.shadowService();
  const api = controlApi(service, shadows, tokenDirectory(project.store, project.clock), {
    loopbackOnly: isLoopbackHost(o.host),
    localUser: 'ui',
    routes: dashboardRoutes(project, (route) => service.status(route)),
    readOnly: true,
  });
  const ui = uiAssets();
  const server = createServer((req, res) => {
    void (async () => {
      if ((await api(req, res)) || (await ui(req, res))) return;
      if ((req.url ?? '/') === '/') {
        res.writeHead(302, { location: '/ui/' }).end();
        return;
      }
      const body = JSON.stringify({
        error: { message: `no such endpoint: ${req.method} ${req.url}`, type: 'sluice_error', code: 'not_found' },
      });
      res.writeHead(404, { 'content-type': 'application/json' }).end(body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"internal error","type":"sluice_error","code":"internal"}}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
