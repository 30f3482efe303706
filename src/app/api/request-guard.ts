import type { IncomingHttpHeaders } from 'node:http';
import { hostOfHeader, isLoopbackHost } from '../server/loopback.js';

export type GuardFailure =
  | { readonly code: 'forbidden'; readonly message: string }
  | { readonly code: 'unsupported_media_type'; readonly message: string };

/**
 * A browser page must not drive the control plane (CSRF, DNS rebinding):
 * - an `Origin` header must be the server's own origin (`http[s]://` + the request's Host);
 * - on a loopback-bound server the Host must be a loopback name, so a rebound
 *   public name pointing at 127.0.0.1 is refused.
 * Requests without `Origin` (curl, the CLI, SDKs) pass this check.
 */
export function checkOrigin(headers: IncomingHttpHeaders, loopbackOnly: boolean): GuardFailure | undefined {
  const host = headers.host ?? '';
  if (loopbackOnly && !isLoopbackHost(hostOfHeader(host)))
    return {
      code: 'forbidden',
      message: `Host "${host}" is not a loopback name; this control API listens on loopback only`,
    };
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  if (origin === `http://${host}` || origin === `https://${host}`) return undefined;
  return {
    code: 'forbidden',
    message: `cross-origin request refused: Origin ${origin} is not this server (${host})`,
  };
}

/** Changes are JSON only: an HTML form or a `text/plain` fetch (no CORS preflight) cannot send one. */
export function checkJsonContentType(headers: IncomingHttpHeaders): GuardFailure | undefined {
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return undefined;
  return {
    code: 'unsupported_media_type',
    message: `changes need Content-Type: application/json (got ${type === '' ? 'none' : type})`,
  };
}
