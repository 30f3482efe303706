import type { ServerResponse } from 'node:http';
import type { Completion, Usage } from '../../providers/model-provider.js';
import type { Arm } from '../routing/sticky.js';
import type { GatewayError } from './errors.js';

/** Which release and arm answered: set on every response that a release served. */
export interface Served {
  readonly releaseId: string;
  readonly arm: Arm;
  /** The request's id (traces key it): sent as x-request-id. */
  readonly requestId?: string;
}

export const RELEASE_HEADER = 'x-sluice-release';
export const ARM_HEADER = 'x-sluice-arm';
export const REQUEST_ID_HEADER = 'x-request-id';
/** The client's params the release's own values replaced, comma-separated. */
export const OVERRIDDEN_HEADER = 'x-sluice-overridden';

export function servedHeaders(served: Served | undefined): Record<string, string> {
  if (!served) return {};
  const h: Record<string, string> = { [RELEASE_HEADER]: served.releaseId, [ARM_HEADER]: served.arm };
  if (served.requestId) h[REQUEST_ID_HEADER] = served.requestId;
  return h;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** An OpenAI-style error response; `close` ends the connection too (a body left unread). */
export function sendError(res: ServerResponse, err: GatewayError, served?: Served, close = false): void {
  sendJson(res, err.status, err.body(), { ...servedHeaders(served), ...(close ? { connection: 'close' } : {}) });
}

/** What a completion says: the text, the tool calls it makes, why it stopped, what it used. */
export type Answer = Completion;

export function completionBody(id: string, route: string, answer: Answer, created: number): unknown {
  const calls = answer.toolCalls;
  return {
    id,
    object: 'chat.completion',
    created,
    model: route,
    choices: [
      {
        index: 0,
        message: calls
          ? { role: 'assistant', content: answer.text || null, refusal: null, tool_calls: calls }
          : { role: 'assistant', content: answer.text, refusal: null },
        logprobs: answer.logprobs ?? null,
        finish_reason: answer.finishReason,
      },
      ...(answer.moreChoices ?? []),
    ],
    usage: answer.usage,
  };
}

export function chunkBody(
  id: string,
  route: string,
  created: number,
  delta: Readonly<Record<string, unknown>>,
  finishReason: string | null,
): unknown {
  return {
    id,
    object: 'chat.completion.chunk',
    created,
    model: route,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

export function usageChunkBody(id: string, route: string, created: number, usage: Usage): unknown {
  return { id, object: 'chat.completion.chunk', created, model: route, choices: [], usage };
}

/** A route as an OpenAI model object. */
export function modelBody(id: string): { id: string; object: 'model'; created: number; owned_by: string } {
  return { id, object: 'model', created: 0, owned_by: 'sluice' };
}

export function modelsBody(routes: readonly string[]): unknown {
  return { object: 'list', data: routes.map(modelBody) };
}
