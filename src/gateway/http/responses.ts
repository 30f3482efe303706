import { serve, serveStream } from '../../serving/serve.js';
import {
  bodyEndpoint,
  type Endpoint,
  failure,
  type Outcome,
  overriddenHeader,
  refused,
  type Routed,
  servedOutcome,
  serveRouted,
} from './chat.js';
import { serveError } from './errors.js';
import { type ChatCompletionRequest, checkChatRequest, parseJsonBody, type RequestProblem } from './parse-request.js';
import { ok, type Result } from '../../kernel/result.js';
import { sendJson, servedHeaders } from './respond.js';
import { outputItems, type ResponseIds, responseBody } from './responses-body.js';
import { type ResponsesRequest, responsesRequestSchema, toChatRequest } from './responses-request.js';
import { pipeResponsesStream } from './responses-stream.js';

/** The Responses answer writer: a `response` object, or its typed stream events. */
function answerResponses(r: ResponsesRequest): (routed: Routed) => Promise<Outcome> {
  return async ({ ctx, body, sreq, release, res, served, id }) => {
    const signal = sreq.signal!;
    const ids: ResponseIds = { id: `resp_${id}`, route: body.route, created: Math.floor(Date.now() / 1000) };
    if (!body.stream) {
      const result = await serve(release, sreq, ctx.serving);
      if (!result.ok) return refused(res, served, serveError(result.error), signal);
      const out = result.value;
      const output = outputItems(ids, out.text, out.toolCalls ?? []);
      const response = responseBody(ids, r, { output, finishReason: out.finishReason, usage: out.usage });
      sendJson(
        res,
        200,
        { ...response, output_text: out.text },
        { ...servedHeaders(served), ...overriddenHeader(out.overridden) },
      );
      return servedOutcome(out);
    }
    const stream = serveStream(release, sreq, ctx.serving);
    if (!stream.ok) return refused(res, served, serveError(stream.error), signal);
    const out = stream.value;
    for (const [k, v] of Object.entries(overriddenHeader(out.overridden))) res.setHeader(k, v);
    const end = await pipeResponsesStream(out.chunks, res, { ids, req: r, served, signal });
    const costUsd = end.usage ? out.cost(end.usage) : 0;
    const model = `${out.provider}/${out.model}`;
    const timing = { finishReason: end.finishReason, firstChunkAt: end.firstChunkAt };
    if (end.error)
      return { ...failure(end.error, signal, end.text), usage: end.usage, costUsd, input: out.input, model, ...timing };
    return { status: 200, usage: end.usage, costUsd, output: end.text, input: out.input, model, ...timing };
  };
}

/** A Responses body, parsed, and the chat request it means, checked as one. */
function parseResponsesRequest(
  body: Buffer,
): Result<{ request: ResponsesRequest; chat: ChatCompletionRequest }, RequestProblem> {
  const parsed = parseJsonBody(body, responsesRequestSchema, 'responses request');
  if (!parsed.ok) return parsed;
  const translated = toChatRequest(parsed.value);
  if (!translated.ok) return translated;
  const checked = checkChatRequest(translated.value);
  return checked.ok ? ok({ request: parsed.value, chat: checked.value }) : checked;
}

/**
 * POST /v1/responses: the request is translated to the chat request it means
 * and checked as one, then served like chat (same route, arm, serving path,
 * headers, traces, monitors and observer sampling); the answer is written in
 * the Responses format.
 */
export const handleResponses: Endpoint = bodyEndpoint(parseResponsesRequest, (ctx, req, res, started, r, caller) =>
  serveRouted(ctx, req, res, started, r.chat, caller, answerResponses(r.request), 'responses'),
);
