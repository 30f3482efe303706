import type { IncomingMessage, ServerResponse } from 'node:http';
import { SluiceError } from '../../kernel/errors.js';
import type { RolloutControl, RouteCommand } from '../../rollout/rollout-control.js';
import { type ApiRoute, matchRoute, text } from './api-routes.js';
import { httpStatusFor } from './http-status.js';
import { openApiDocument } from './openapi.js';
import { checkJsonContentType, checkOrigin } from './request-guard.js';
import { authorize } from './authorize.js';
import type { Role } from './tokens.js';

/** What the control API drives for shadows: the CLI's `shadow` command, the same service. */
export interface ShadowControl {
  status(route: string): Promise<unknown>;
  start(releaseId: string, actor: string, opts: { percent?: number; route?: string }): Promise<unknown>;
  stop(route: string, actor: string, opts: { release?: string }): Promise<unknown>;
}

export interface TokenDirectory {
  /** Whether any token exists: with none, the API is open (local use); with one, every call needs a token. */
  any(): Promise<boolean>;
  lookup(hash: string): Promise<{ name: string; role: Role } | undefined>;
}

const COMMANDS: readonly RouteCommand[] = ['promote', 'pause', 'resume', 'abort', 'rollback'];
const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function fail(res: ServerResponse, code: Parameters<typeof httpStatusFor>[0], message: string): void {
  send(res, httpStatusFor(code), { error: { message, type: 'sluice_error', code } });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new SluiceError('bad_input', 'request body too large');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new SluiceError('bad_input', 'the body must be a JSON object');
  }
}

/** `percent` in a body: a number (or numeric text), else left to the service's default. */
function percentOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (Number.isNaN(n)) throw new SluiceError('bad_input', 'percent must be a number above 0 and at most 100');
  return n;
}

/** The rollout and shadow endpoints: route status and commands, starting a rollout, a route's shadow. */
export function controlRoutes(control: RolloutControl, shadows: ShadowControl): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/routes/{route}/status',
      action: 'read',
      summary: "A route's rollout status, as `sluice status --json` prints it",
      run: ({ params }) => control.status(params.route!),
    },
    ...COMMANDS.map(
      (kind): ApiRoute => ({
        method: 'POST',
        path: `/routes/{route}/${kind}`,
        action: kind,
        summary: `${kind[0]!.toUpperCase()}${kind.slice(1)} the route's rollout (a signed receipt names the token and the reason)`,
        body: {
          fields: {
            reason: 'why, recorded in the receipt',
            ...(kind === 'rollback' ? { to: 'the release to roll back to (default: the previous stable)' } : {}),
          },
        },
        run: ({ params, body, actor }) =>
          control.command(params.route!, kind, actor, {
            ...(text(body.reason) ? { reason: text(body.reason)! } : {}),
            ...(text(body.to) ? { to: text(body.to)! } : {}),
          }),
      }),
    ),
    {
      method: 'POST',
      path: '/releases/{id}/roll',
      action: 'roll',
      summary: 'Start rolling a release out on its route',
      run: ({ params, actor }) => control.roll(params.id!, actor),
    },
    {
      method: 'GET',
      path: '/routes/{route}/shadow',
      action: 'read',
      summary: "A route's shadow setting",
      run: ({ params }) => shadows.status(params.route!),
    },
    {
      method: 'POST',
      path: '/releases/{id}/shadow',
      action: 'shadow-start',
      summary: "Mirror a share of the route's requests to a release",
      body: {
        fields: { percent: 'share of requests mirrored, above 0 and at most 100', route: "the release's route" },
      },
      run: ({ params, body, actor }) => {
        const percent = percentOf(body.percent);
        const route = text(body.route);
        return shadows.start(params.id!, actor, {
          ...(percent !== undefined ? { percent } : {}),
          ...(route ? { route } : {}),
        });
      },
    },
    {
      method: 'POST',
      path: '/routes/{route}/shadow/stop',
      action: 'shadow-stop',
      summary: "Stop a route's shadow",
      body: { fields: { release: 'only if the shadow is this release' } },
      run: ({ params, body, actor }) => {
        const release = text(body.release);
        return shadows.stop(params.route!, actor, release ? { release } : {});
      },
    },
  ];
}

export interface ControlApiOptions {
  /** The server listens on loopback only: the API may stay open while no token exists. */
  readonly loopbackOnly: boolean;
  /** The OS user running the server: the actor of an open loopback API is `unauthenticated:<user>`. */
  readonly localUser: string;
  /** More endpoints (the dashboard's reads and the gate override). */
  readonly routes?: readonly ApiRoute[];
  /** Refuse every mutation (`sluice ui`: a read-only view). */
  readonly readOnly?: boolean;
}

/**
 * The control plane under /api/v1: one table of endpoints (`controlRoutes`
 * and the dashboard's), each with the action its role must allow; the
 * OpenAPI document at /api/v1/openapi.json is made from the same table.
 * Guarded by bearer tokens with roles once any token exists; with none, open
 * on loopback only (a server bound beyond loopback refuses every change).
 * Cross-origin requests are refused and changes must be JSON (see
 * request-guard.ts). The actor of a change is the token's name, never a field
 * of the body. Returns false for paths it does not own, so the server can
 * route them elsewhere.
 */
export function controlApi(
  control: RolloutControl,
  shadows: ShadowControl,
  tokens: TokenDirectory,
  opts: ControlApiOptions,
) {
  const routes: ApiRoute[] = [...controlRoutes(control, shadows), ...(opts.routes ?? [])];
  const session: ApiRoute = {
    method: 'GET',
    path: '/session',
    action: 'read',
    summary: 'Who the bearer token is and its role (`open` when no token exists and every action is allowed)',
    run: async () => ({}),
  };
  routes.push(session);
  const document = openApiDocument(routes);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (!req.url?.startsWith('/api/')) return false; // the gateway's hot path pays one string check
    const refused = checkOrigin(req.headers, opts.loopbackOnly);
    if (refused) {
      fail(res, refused.code, refused.message);
      return true;
    }
    const url = new URL(req.url, 'http://local');
    if (!url.pathname.startsWith('/api/v1/')) {
      fail(res, 'not_found', `no such endpoint: ${req.method} ${url.pathname}`);
      return true;
    }
    if (url.pathname === '/api/v1/openapi.json' && req.method === 'GET') {
      send(res, 200, document);
      return true;
    }
    let parts: string[];
    try {
      parts = url.pathname.split('/').slice(3).map(decodeURIComponent);
    } catch {
      fail(res, 'bad_input', `malformed path: ${url.pathname} (a bad %-escape)`);
      return true;
    }
    const found = matchRoute(routes, req.method ?? 'GET', parts);
    if (!('route' in found)) {
      fail(res, 'not_found', `no such endpoint: ${req.method} ${url.pathname}`);
      return true;
    }
    const { route, params } = found;
    try {
      const changes = route.method !== 'GET';
      if (changes) {
        const notJson = checkJsonContentType(req.headers);
        if (notJson) {
          fail(res, notJson.code, notJson.message);
          return true;
        }
      }
      let actor = `unauthenticated:${opts.localUser}`;
      let role: Role | 'open' = 'open';
      const who = await authorize(tokens, req.headers.authorization, route.action);
      if (!who.ok) {
        fail(res, who.error.code, who.error.message);
        return true;
      }
      if (who.value) {
        actor = who.value.actor;
        role = who.value.role;
      } else if (changes && !opts.loopbackOnly) {
        fail(
          res,
          'unauthorized',
          `${route.action} needs a bearer token: this server listens beyond loopback and no control token exists (sluice token create --role …)`,
        );
        return true;
      }
      if (opts.readOnly && changes) {
        fail(res, 'forbidden', 'this is a read-only view (sluice ui): changes go through sluice serve or the CLI');
        return true;
      }
      if (route === session) {
        send(res, 200, {
          role: opts.readOnly ? 'viewer' : role,
          name: role === 'open' ? null : actor,
          read_only: !!opts.readOnly,
        });
        return true;
      }
      const body = req.method === 'POST' ? await readJson(req) : {};
      send(res, 200, await route.run({ params, query: url.searchParams, body, actor }));
    } catch (e) {
      if (e instanceof SluiceError) fail(res, e.code, e.message);
      else fail(res, 'internal', (e as Error).message ?? String(e));
    }
    return true;
  };
}
