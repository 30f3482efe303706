import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../http/errors.js';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The optional bearer token on GET /metrics (`gateway.metrics_token_env` names
 * the variable holding it). Returns the refusal for a request without the
 * token, or undefined when it may read the metrics; with no token configured,
 * every request may. The presented and configured tokens are compared as
 * SHA-256 hashes with crypto.timingSafeEqual, so neither their length nor a
 * matching prefix shows in the time taken.
 */
export function metricsGuard(token: string | undefined): (headers: IncomingHttpHeaders) => GatewayError | undefined {
  if (token === undefined || token === '') return () => undefined;
  const expected = sha256(token);
  return (headers) => {
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    if (m && timingSafeEqual(sha256(m[1]!), expected)) return undefined;
    return new GatewayError(
      401,
      'invalid_request_error',
      'invalid_api_key',
      'GET /metrics needs the metrics token: send it as "Authorization: Bearer <token>" (gateway.metrics_token_env)',
    );
  };
}
