import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../http/errors.js';
import { type ClientKey, GATEWAY_KEY_PREFIX, type KeyTable } from './gateway-keys.js';
import type { KeyRateLimit } from './key-rate-limit.js';

/** gateway.auth: `required` refuses a /v1 call without a gateway key; `optional` serves it anonymously. */
export type AuthMode = 'required' | 'optional';

export interface ClientAuth {
  readonly mode: AuthMode;
  readonly keys: KeyTable;
  readonly limits: KeyRateLimit;
  /** gateway.forward_client_auth: the client's own Authorization (not a gateway key) goes to the upstream. */
  readonly forwardClientAuth: boolean;
}

/** Who called: the gateway key, if any, and the credential to pass upstream, if forwarding is on. */
export interface Caller {
  readonly client: ClientKey | undefined;
  /** The Authorization header value for the upstream call (only with forward_client_auth). */
  readonly upstreamAuthorization: string | undefined;
}

export const ANONYMOUS: Caller = { client: undefined, upstreamAuthorization: undefined };

/** A second header for the gateway key, so a client can send its provider key in Authorization (forward_client_auth). */
export const KEY_HEADER = 'x-sluice-key';

export type Authenticated = { ok: true; caller: Caller } | { ok: false; error: GatewayError; retryAfter?: number };

const unauthorized = (message: string): Authenticated => ({
  ok: false,
  error: new GatewayError(401, 'invalid_request_error', 'invalid_api_key', message),
});

function bearer(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(value);
  return m ? m[1] : undefined;
}

/**
 * Who the request is from, by its gateway key: in `x-sluice-key`, else as the
 * bearer of `Authorization`. A presented key is looked up in the cached table
 * (O(1), constant-time compare); one that looks like a gateway key but is not
 * known is refused in both modes. Its requests-per-minute limit is taken here.
 */
export function authenticate(auth: ClientAuth, headers: IncomingHttpHeaders): Authenticated {
  const authorization = headers.authorization;
  const own = headers[KEY_HEADER];
  const header = typeof own === 'string' ? own.trim() : undefined;
  const fromAuthorization = header === undefined ? bearer(authorization) : undefined;
  const presented = header ?? fromAuthorization;
  const client = presented === undefined ? undefined : auth.keys.find(presented);
  if (presented !== undefined && !client) {
    if (header !== undefined || presented.startsWith(GATEWAY_KEY_PREFIX) || auth.mode === 'required')
      return unauthorized('the gateway key is not valid (create one with `sluice key create --name NAME`)');
  }
  if (!client && auth.mode === 'required')
    return unauthorized(
      'a gateway key is required: send it as "Authorization: Bearer <key>" (create one with `sluice key create --name NAME`)',
    );
  if (client?.rpm) {
    const wait = auth.limits.take(client.name, client.rpm);
    if (wait > 0)
      return {
        ok: false,
        error: new GatewayError(
          429,
          'rate_limit_error',
          'rate_limit_exceeded',
          `gateway key "${client.name}" is over its limit of ${client.rpm} requests per minute; retry in ${wait} s`,
        ),
        retryAfter: wait,
      };
  }
  // Forwarded: the Authorization header when it did not carry the gateway key.
  const upstreamAuthorization =
    auth.forwardClientAuth && authorization && (fromAuthorization === undefined || !client) ? authorization : undefined;
  return { ok: true, caller: client || upstreamAuthorization ? { client, upstreamAuthorization } : ANONYMOUS };
}

/** A key limited to some routes may call only those (403 otherwise). */
export function routeAllowed(caller: Caller, route: string): boolean {
  const routes = caller.client?.routes;
  return !routes || routes.has(route);
}

export function routeForbidden(caller: Caller, route: string): GatewayError {
  return new GatewayError(
    403,
    'invalid_request_error',
    'permission_denied',
    `gateway key "${caller.client?.name ?? ''}" may not call route "${route}"`,
  );
}
