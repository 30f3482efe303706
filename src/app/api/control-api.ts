import type { IncomingMessage, ServerResponse } from 'node:http';
import { SluiceError } from '../../kernel/errors.js';
import type { RolloutControl, RouteCommand } from '../../rollout/rollout-control.js';
import { httpStatusFor } from './http-status.js';
import { checkJsonContentType, checkOrigin } from './request-guard.js';
import { allows, requiredRole, tokenHash, type ApiAction, type Role } from './tokens.js';

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

export interface ControlApiOptions {
  /** The server listens on loopback only: the API may stay open while no token exists. */
  readonly loopbackOnly: boolean;
  /** The OS user running the server: the actor of an open loopback API is `unauthenticated:<user>`. */
  readonly localUser: string;
}

const COMMANDS = new Set<RouteCommand>(['promote', 'pause', 'resume', 'abort', 'rollback']);
const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The path's segments after /api/v1/, decoded; undefined for a malformed escape (`%zz`). */
function pathParts(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').slice(3).map(decodeURIComponent);
  } catch {
    return undefined;
  }
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

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** `percent` in a body: a number (or numeric text), else left to the service's default. */
function percentOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (Number.isNaN(n)) throw new SluiceError('bad_input', 'percent must be a number above 0 and at most 100');
  return n;
}

/**
 * The control plane under /api/v1: route status and commands, starting a
 * rollout, and a route's shadow (GET /routes/R/shadow, POST /releases/ID/shadow
 * {percent}, POST /routes/R/shadow/stop {release}). Guarded by bearer tokens
 * with roles once any token exists; with none, open on loopback only (a server
 * bound beyond loopback refuses every change). Cross-origin requests are
 * refused and changes must be JSON (see request-guard.ts). The actor of a
 * change is the token's name, never a field of the body. Returns false for
 * paths it does not own, so the server can route them elsewhere.
 */
export function controlApi(
  control: RolloutControl,
  shadows: ShadowControl,
  tokens: TokenDirectory,
  opts: ControlApiOptions,
) {
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
    const parts = pathParts(url.pathname);
    if (!parts) {
      fail(res, 'bad_input', `malformed path: ${url.pathname} (a bad %-escape)`);
      return true;
    }
    let action: ApiAction;
    let run: (actor: string, body: Record<string, unknown>) => Promise<unknown>;
    if (parts[0] === 'routes' && parts.length === 3 && parts[2] === 'status' && req.method === 'GET') {
      action = 'read';
      run = () => control.status(parts[1]!);
    } else if (
      parts[0] === 'routes' &&
      parts.length === 3 &&
      COMMANDS.has(parts[2] as RouteCommand) &&
      req.method === 'POST'
    ) {
      const kind = parts[2] as RouteCommand;
      action = kind;
      run = (actor, body) =>
        control.command(parts[1]!, kind, actor, {
          ...(text(body.reason) ? { reason: text(body.reason)! } : {}),
          ...(text(body.to) ? { to: text(body.to)! } : {}),
        });
    } else if (parts[0] === 'releases' && parts.length === 3 && parts[2] === 'roll' && req.method === 'POST') {
      action = 'roll';
      run = (actor) => control.roll(parts[1]!, actor);
    } else if (parts[0] === 'routes' && parts.length === 3 && parts[2] === 'shadow' && req.method === 'GET') {
      action = 'read';
      run = () => shadows.status(parts[1]!);
    } else if (parts[0] === 'releases' && parts.length === 3 && parts[2] === 'shadow' && req.method === 'POST') {
      action = 'shadow-start';
      run = (actor, body) => {
        const percent = percentOf(body.percent);
        const route = text(body.route);
        return shadows.start(parts[1]!, actor, {
          ...(percent !== undefined ? { percent } : {}),
          ...(route ? { route } : {}),
        });
      };
    } else if (
      parts[0] === 'routes' &&
      parts.length === 4 &&
      parts[2] === 'shadow' &&
      parts[3] === 'stop' &&
      req.method === 'POST'
    ) {
      action = 'shadow-stop';
      run = (actor, body) => {
        const release = text(body.release);
        return shadows.stop(parts[1]!, actor, release ? { release } : {});
      };
    } else {
      fail(res, 'not_found', `no such endpoint: ${req.method} ${url.pathname}`);
      return true;
    }
    try {
      const changes = action !== 'read';
      if (changes) {
        const notJson = checkJsonContentType(req.headers);
        if (notJson) {
          fail(res, notJson.code, notJson.message);
          return true;
        }
      }
      let actor = `unauthenticated:${opts.localUser}`;
      if (await tokens.any()) {
        const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const who = m ? await tokens.lookup(tokenHash(m[1]!)) : undefined;
        if (!who) {
          fail(res, 'unauthorized', 'a bearer token is required (sluice token create --role …)');
          return true;
        }
        if (!allows(who.role, action)) {
          fail(res, 'forbidden', `${action} needs the ${requiredRole(action)} role; this token is ${who.role}`);
          return true;
        }
        actor = who.name;
      } else if (changes && !opts.loopbackOnly) {
        fail(
          res,
          'unauthorized',
          `${action} needs a bearer token: this server listens beyond loopback and no control token exists (sluice token create --role …)`,
        );
        return true;
      }
      const body = req.method === 'POST' ? await readJson(req) : {};
      send(res, 200, await run(actor, body));
    } catch (e) {
      if (e instanceof SluiceError) fail(res, e.code, e.message);
      else fail(res, 'internal', (e as Error).message ?? String(e));
    }
    return true;
  };
}
