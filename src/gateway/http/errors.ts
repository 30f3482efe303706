import { isSluiceError } from '../../kernel/errors.js';
import { ProviderError, type ProviderErrorKind } from '../../providers/model-provider.js';
import type { ServeProblem } from '../../serving/serve.js';
import type { RequestProblem } from './parse-request.js';

/** OpenAI's error body: {"error": {"message", "type", "code"}}. */
export interface OpenAiErrorBody {
  readonly error: { readonly message: string; readonly type: string; readonly code: string | null };
}

/** A request that ends in an error response: the status and the OpenAI-style body. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code } };
  }
}

export const badRequest = (message: string, code = 'invalid_request'): GatewayError =>
  new GatewayError(400, 'invalid_request_error', code, message);

export const notFound = (message: string, code = 'not_found'): GatewayError =>
  new GatewayError(404, 'invalid_request_error', code, message);

/** The status a request gets when its client went away first (nginx's convention); never sent. */
export const CLIENT_CLOSED = 499;

function upstreamError(kind: ProviderErrorKind, message: string): GatewayError {
  if (kind === 'timeout') return new GatewayError(504, 'upstream_error', 'upstream_timeout', message);
  if (kind === 'aborted') return new GatewayError(CLIENT_CLOSED, 'invalid_request_error', 'client_closed', message);
  return new GatewayError(502, 'upstream_error', kind.startsWith('upstream') ? kind : `upstream_${kind}`, message);
}

/**
 * A request refused before routing: 413 for a body over the limit, 503 when
 * the gateway's body budget is spent (sent with retry-after), else 400; the
 * problem's code is OpenAI's `code`.
 */
export function requestError(p: RequestProblem): GatewayError {
  if (p.code === 'request_too_large') return new GatewayError(413, 'invalid_request_error', p.code, p.message);
  if (p.code === 'overloaded') return new GatewayError(503, 'server_error', p.code, p.message);
  return badRequest(p.message, p.code);
}

/**
 * The one place failures become HTTP. A serve failure: a bad request is 400,
 * a release this Sluice cannot serve 500; an upstream timeout is 504, every
 * other upstream failure 502, a cancelled call 499.
 */
export function serveError(p: ServeProblem): GatewayError {
  switch (p.code) {
    case 'bad_request':
      return badRequest(p.message);
    case 'preprocessing_mismatch':
      return new GatewayError(500, 'server_error', p.code, p.message);
    case 'provider':
      return upstreamError(p.kind, p.message);
  }
}

/** The same for a thrown failure (a stream cut mid-answer); anything unexpected is a 500 whose body says no more than that. */
export function toGatewayError(e: unknown): GatewayError {
  if (e instanceof GatewayError) return e;
  if (e instanceof ProviderError) return upstreamError(e.kind, e.message);
  if (isSluiceError(e) && e.code === 'bad_input')
    return new GatewayError(500, 'server_error', 'misconfigured', e.message);
  return new GatewayError(500, 'server_error', 'internal_error', 'internal error');
}
