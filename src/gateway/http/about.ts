import type { ServerResponse } from 'node:http';
import { GatewayError, notFound } from './errors.js';
import { modelBody, sendError, sendJson } from './respond.js';

/** What GET / says: which server this is and what it serves. */
export function aboutBody(o: { version: string; routes: number; auth: string }): unknown {
  return {
    name: 'sluice',
    description:
      'Sluice gateway: an OpenAI-compatible API in front of released LLM applications (register, gate, roll, observe).',
    version: o.version,
    auth: o.auth,
    routes: o.routes,
    endpoints: [
      'POST /v1/chat/completions',
      'POST /v1/responses',
      'POST /v1/embeddings',
      'GET /v1/models',
      'GET /v1/models/{id}',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
    ],
  };
}

/** GET /v1/models/{id}: a route the caller may call, or 404. */
export function sendModel(res: ServerResponse, id: string, known: boolean): void {
  if (known) sendJson(res, 200, modelBody(id));
  else sendError(res, notFound(`no route "${id}"; GET /v1/models lists the routes`, 'model_not_found'));
}

/** Legacy text completions are not served: the clear 404 names the alternatives. */
export const LEGACY_COMPLETIONS = new GatewayError(
  404,
  'invalid_request_error',
  'unsupported_endpoint',
  'POST /v1/completions (legacy text completions) is not served by Sluice: use POST /v1/chat/completions or POST /v1/responses',
);

/** Responses are not kept: retrieving or chaining one is refused clearly. */
export const RESPONSES_NOT_STORED = new GatewayError(
  404,
  'invalid_request_error',
  'not_found',
  'Sluice does not store responses: send the whole conversation as "input" instead of previous_response_id',
);
