import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatMessage } from '../../release/preprocess.js';
import type { Usage } from '../../providers/model-provider.js';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import { serve, serveStream, type ServeDeps, type ServeRequest, type ServeResult } from '../../serving/serve.js';
import type { ServingRelease } from '../../serving/serving-release.js';
import {
  badRequest,
  CLIENT_CLOSED,
  type GatewayError,
  notFound,
  requestError,
  serveError,
  toGatewayError,
} from './errors.js';
import { type Caller, routeAllowed, routeForbidden } from '../auth/client-auth.js';
import { parseChatRequest, readBody, type ChatCompletionRequest, type RequestProblem } from './parse-request.js';
import type { BodyBudget, BodyReservation } from './body-budget.js';
import type { Result } from '../../kernel/result.js';
import {
  completionBody,
  OVERRIDDEN_HEADER,
  REQUEST_ID_HEADER,
  sendError,
  sendJson,
  servedHeaders,
  type Served,
} from './respond.js';
import type { RouteEntry, RouteTable } from '../routing/route-table.js';
import { chooseArm, stickyKey, type Arm, type StickySpec } from '../routing/sticky.js';
import { clientRequestId, connectionSignal, refusalId, requestId } from './request-id.js';
import type { ToolCall } from '../../kernel/tool-calls.js';
import { pipeStream } from './stream.js';
import { headerSlice, namedSlice, SLICE_HEADER, SLICE_RULE } from '../../kernel/request-slice.js';

/** Everything known about a routed request once it is over; the gateway records it. */
export interface Finished {
  readonly id: string;
  /** The client's x-request-id, when it sent a usable one (the response echoes it). */
  readonly requestId?: string;
  readonly entry: RouteEntry;
  readonly release: ServingRelease;
  readonly arm: Arm;
  readonly stickyKey: string | undefined;
  readonly status: number;
  readonly latencyMs: number;
  readonly usage: Usage | undefined;
  readonly costUsd: number;
  /** The slice the request named (x-sluice-slice, else metadata.slice), validated; undefined when it named none. */
  readonly slice: string | undefined;
  readonly messages: readonly ChatMessage[];
  readonly output: string;
  /** The function calls the answer made. */
  readonly toolCalls?: readonly ToolCall[];
  readonly error?: GatewayError;
  /** The user input after the release's preprocessing (what judges see); set once the serving path prepared it. */
  readonly input?: string;
  /** The request as it went to the serving path (without its abort signal), so it can be served again: shadow mirroring. */
  readonly request?: Omit<ServeRequest, 'signal'>;
  /** The gateway key's name, when the client called with one. */
  readonly client?: string;
  /**
   * Which endpoint it came through; absent: /v1/chat/completions. Only chat answers are judged and mirrored.
   * 'otlp': not served by the gateway but reported as an OpenTelemetry span (POST /v1/traces).
   */
  readonly endpoint?: 'responses' | 'embeddings' | 'otlp';
  /** The upstream model that answered, "provider/name". */
  readonly model?: string;
  /** Why the answer ended, as the upstream said ("stop", "length", "tool_calls", …), when it got that far. */
  readonly finishReason?: string;
  /** A streamed answer: milliseconds from the request's arrival to the upstream's first chunk. */
  readonly firstChunkMs?: number;
  /** The caller's W3C trace context (traceparent, tracestate headers), when it sent one. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** What the gateway does for every routed request, whichever endpoint it came through. */
export interface ChatContext {
  readonly routes: RouteTable;
  readonly providers: ProviderRegistry;
  /** What the serving path needs, made once (not per request). */
  readonly serving: ServeDeps;
  readonly sticky: StickySpec;
  readonly maxBodyBytes: number;
  /** The ceiling on request-body bytes held at once, across requests. */
  readonly bodies: BodyBudget;
  readonly random: () => number;
  /** A request rejected before routing (bad body, unknown route). */
  rejected(error: GatewayError, latencyMs: number): void;
  finished(f: Finished): void;
}

const VAR_HEADER = 'x-sluice-var-';

/**
 * The request's headers flattened, and the prompt variables set by
 * x-sluice-var-NAME headers (for clients that cannot send `metadata`).
 */
export function flatHeaders(req: IncomingMessage): {
  headers: Record<string, string>;
  vars: Record<string, string> | undefined;
} {
  const headers: Record<string, string> = {};
  let vars: Record<string, string> | undefined;
  const h = req.headers;
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    const value = typeof v === 'string' ? v : v.join(', ');
    headers[k] = value;
    if (k.startsWith(VAR_HEADER) && k.length > VAR_HEADER.length) {
      vars ??= {};
      vars[k.slice(VAR_HEADER.length)] = value;
    }
  }
  return { headers, vars };
}

/** The headers that carry a request's identity to the provider: W3C trace context and the request id. */
function identityHeaders(headers: Readonly<Record<string, string>>, id: string): Record<string, string> {
  const out: Record<string, string> = { [REQUEST_ID_HEADER]: id };
  const parent = headers.traceparent;
  if (parent !== undefined) out.traceparent = parent;
  const state = headers.tracestate;
  if (state !== undefined) out.tracestate = state;
  return out;
}

export type Outcome = Pick<
  Finished,
  'status' | 'usage' | 'costUsd' | 'output' | 'error' | 'input' | 'model' | 'toolCalls' | 'finishReason'
> & {
  /** A stream's first chunk (performance.now()); serveRouted turns it into Finished.firstChunkMs. */
  readonly firstChunkAt?: number;
};

export function failure(e: unknown, signal: AbortSignal, output = ''): Outcome {
  const error = toGatewayError(e);
  return { status: signal.aborted ? CLIENT_CLOSED : error.status, usage: undefined, costUsd: 0, output, error };
}

/** A failure before any answer was sent: the error response, and the outcome to record. */
export function refused(res: ServerResponse, served: Served, error: GatewayError, signal: AbortSignal): Outcome {
  const outcome = failure(error, signal);
  sendError(res, error, served);
  return outcome;
}

/** The request on its way to a release, as an endpoint's answer writer gets it. */
export interface Routed {
  readonly ctx: ChatContext;
  readonly body: ChatCompletionRequest;
  readonly sreq: ServeRequest;
  readonly release: ServingRelease;
  readonly res: ServerResponse;
  readonly served: Served;
  readonly id: string;
}

/** Serves a routed request through the one serving path and writes the answer in the endpoint's own format. */
export type AnswerWriter = (r: Routed) => Promise<Outcome>;

const modelOf = (m: { provider: string; model: string }): string => `${m.provider}/${m.model}`;

/** What a whole (not streamed) served answer leaves for the record. */
export function servedOutcome(out: ServeResult): Outcome {
  return {
    status: 200,
    usage: out.usage,
    costUsd: out.costUsd,
    output: out.text,
    input: out.input,
    model: modelOf(out),
    finishReason: out.finishReason,
    ...(out.toolCalls ? { toolCalls: out.toolCalls } : {}),
  };
}

/** x-sluice-overridden: the client's params the release's own values replaced. */
export function overriddenHeader(names: readonly string[]): Record<string, string> {
  return names.length ? { [OVERRIDDEN_HEADER]: names.join(', ') } : {};
}

/** /v1/chat/completions: a chat.completion, or chat.completion.chunk events. */
async function answerChat({ ctx, body, sreq, release, res, served, id }: Routed): Promise<Outcome> {
  const signal = sreq.signal!;
  const created = Math.floor(Date.now() / 1000);
  if (!body.stream) {
    const result = await serve(release, sreq, ctx.serving);
    if (!result.ok) return refused(res, served, serveError(result.error), signal);
    const out = result.value;
    sendJson(res, 200, completionBody(`chatcmpl-${id}`, body.route, out, created), {
      ...servedHeaders(served),
      ...overriddenHeader(out.overridden),
    });
    return servedOutcome(out);
  }
  const stream = serveStream(release, sreq, ctx.serving);
  if (!stream.ok) return refused(res, served, serveError(stream.error), signal);
  const out = stream.value;
  if (out.overridden.length) res.setHeader(OVERRIDDEN_HEADER, out.overridden.join(', '));
  const end = await pipeStream(out.chunks, res, {
    id: `chatcmpl-${id}`,
    route: body.route,
    created,
    includeUsage: body.includeUsage,
    served,
    signal,
  });
  const costUsd = end.usage ? out.cost(end.usage) : 0;
  const model = modelOf(out);
  const calls = end.toolCalls ? { toolCalls: end.toolCalls } : {};
  const timing = { finishReason: end.finishReason, firstChunkAt: end.firstChunkAt };
  if (end.error)
    return {
      ...failure(end.error, signal, end.text),
      usage: end.usage,
      costUsd,
      input: out.input,
      model,
      ...calls,
      ...timing,
    };
  return { status: 200, usage: end.usage, costUsd, output: end.text, input: out.input, model, ...calls, ...timing };
}

/**
 * The part every serving endpoint shares once its body is a chat request:
 * route, the key's route permission, the arm (sticky), the request's facts
 * computed once, the one serving path (through `answer`), and the record.
 */
export async function serveRouted(
  ctx: ChatContext,
  req: IncomingMessage,
  res: ServerResponse,
  started: number,
  body: ChatCompletionRequest,
  caller: Caller,
  answer: AnswerWriter = answerChat,
  endpoint?: 'responses' | 'embeddings',
): Promise<void> {
  const entry = ctx.routes.lookup(body.route);
  const sliceValue = req.headers[SLICE_HEADER];
  const tagged = headerSlice(Array.isArray(sliceValue) ? sliceValue.join(', ') : sliceValue);
  if (!entry || !routeAllowed(caller, body.route) || typeof tagged === 'object') {
    const error =
      typeof tagged === 'object'
        ? badRequest(`the ${SLICE_HEADER} header is not a slice name (${SLICE_RULE})`, 'invalid_slice')
        : entry
          ? routeForbidden(caller, body.route)
          : notFound(`no route "${body.route}"; GET /v1/models lists the routes`, 'model_not_found');
    res.setHeader(REQUEST_ID_HEADER, refusalId(req.headers));
    sendError(res, error);
    return ctx.rejected(error, performance.now() - started);
  }
  const client = caller.client?.name;
  const key = stickyKey(ctx.sticky, body.user, req.headers, client);
  const arm = chooseArm(
    { rolloutId: entry.rolloutId, hasCandidate: entry.candidate !== null, weight: entry.weight },
    key,
    ctx.random,
  );
  const release = arm === 'canary' && entry.candidate ? entry.candidate : entry.stable;
  const id = requestId();
  // The client's x-request-id when it sent a usable one, else the trace's own id: answered, and sent upstream.
  const clientId = clientRequestId(req.headers[REQUEST_ID_HEADER]);
  const served: Served = { releaseId: release.id, arm, requestId: clientId ?? id };
  const signal = connectionSignal(req.socket);
  const { headers, vars: headerVars } = flatHeaders(req);
  // metadata wins over x-sluice-var-NAME headers; the release's prompt.vars fill in the rest.
  const vars = headerVars ? { ...headerVars, ...body.vars } : body.vars;
  // The request's facts, computed once and handed to every sink: release, arm, slice and (once served) the judged input.
  const slice = namedSlice(headers[SLICE_HEADER], vars);
  const request: Omit<ServeRequest, 'signal'> = {
    messages: body.messages,
    vars,
    headers,
    slice,
    ...(body.params ? { params: body.params } : {}),
    ...(body.extra ? { extra: body.extra } : {}),
  };
  // The client's own credential goes upstream only for this call (forward_client_auth), never to a shadow.
  const upstream = caller.upstreamAuthorization;
  const identity = identityHeaders(headers, clientId ?? id);
  const sreq: ServeRequest = {
    ...request,
    signal,
    upstreamHeaders: upstream ? { ...identity, authorization: upstream } : identity,
  };
  let outcome: Outcome;
  try {
    outcome = await answer({ ctx, body, sreq, release, res, served, id });
  } catch (e) {
    outcome = failure(e, signal);
    sendError(res, outcome.error!, served);
  }
  const { firstChunkAt, ...outcomeFacts } = outcome;
  ctx.finished({
    id,
    ...(clientId !== undefined ? { requestId: clientId } : {}),
    entry,
    release,
    arm,
    stickyKey: key,
    latencyMs: performance.now() - started,
    slice,
    messages: body.messages,
    // Embeddings are not chat: nothing to serve again (shadow) or to judge.
    ...(endpoint === 'embeddings' ? {} : { request }),
    ...(client ? { client } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(firstChunkAt !== undefined ? { firstChunkMs: firstChunkAt - started } : {}),
    ...(headers.traceparent !== undefined ? { traceparent: headers.traceparent } : {}),
    ...(headers.tracestate !== undefined ? { tracestate: headers.tracestate } : {}),
    ...outcomeFacts,
  });
}

/**
 * Reads and parses a request body for an endpoint; a body that cannot be
 * read or parsed is answered here (413 or 400) and counted as rejected.
 */
export async function readRequest<T>(
  ctx: ChatContext,
  req: IncomingMessage,
  res: ServerResponse,
  started: number,
  parse: (body: Buffer) => Result<T, RequestProblem>,
  reservation?: BodyReservation,
): Promise<T | undefined> {
  const read = await readBody(req, ctx.maxBodyBytes, reservation);
  const parsed = read.ok ? parse(read.value) : read;
  if (parsed.ok) return parsed.value;
  // A refused request carries an id too: the client's, or a new one.
  res.setHeader(REQUEST_ID_HEADER, refusalId(req.headers));
  const error = requestError(parsed.error);
  if (error.status === 503) res.setHeader('retry-after', '1');
  // A body left unread (too large, or no room for it) is not waited for: the connection closes.
  sendError(res, error, undefined, error.status === 413 || error.status === 503);
  ctx.rejected(error, performance.now() - started);
  return undefined;
}

/** A POST endpoint: what the gateway calls with an admitted request. */
export type Endpoint = (ctx: ChatContext, req: IncomingMessage, res: ServerResponse, caller: Caller) => Promise<void>;

/** An endpoint that reads its body with `parse` (readRequest answers what fails) and serves what parses. */
export function bodyEndpoint<T>(
  parse: (body: Buffer) => Result<T, RequestProblem>,
  serveBody: (
    ctx: ChatContext,
    req: IncomingMessage,
    res: ServerResponse,
    started: number,
    body: T,
    caller: Caller,
  ) => Promise<void>,
): Endpoint {
  return async (ctx, req, res, caller) => {
    const started = performance.now();
    // The body's bytes stay counted against the budget until the request is answered: its parsed form lives as long.
    const reservation = ctx.bodies.reserve();
    try {
      const body = await readRequest(ctx, req, res, started, parse, reservation);
      if (body) await serveBody(ctx, req, res, started, body, caller);
    } finally {
      reservation.release();
    }
  };
}

/** POST /v1/chat/completions: read, check, route, pick the arm, serve through the one serving path, respond. */
export const handleChat: Endpoint = bodyEndpoint(parseChatRequest, (ctx, req, res, started, body, caller) =>
  serveRouted(ctx, req, res, started, body, caller),
);
