import type { ChatMessage } from '../release/preprocess.js';
import {
  ProviderError,
  type ChatChunk,
  type ChatParams,
  type ChatRequest,
  type Completion,
  type ProviderErrorKind,
  type Usage,
} from '../providers/model-provider.js';
import { type Clock, monotonicClock } from '../kernel/clock.js';
import { errOf, ok, type Problem, type Result } from '../kernel/result.js';
import { prepareMessages, type RequestProblem, type ServingInput } from './build-messages.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { ServingRelease } from './serving-release.js';
import { applyParamPolicy, type ClientParams } from './param-policy.js';

export interface ServeRequest extends ServingInput {
  readonly signal?: AbortSignal;
  /** The slice, when the caller knows it (suite items, x-sluice-slice). */
  readonly slice?: string;
  /** The client's values for params a release may own: the release's params win unless it lists them as overridable. */
  readonly params?: ClientParams;
  /** The client's other fields, passed to the provider as they came (tools, tool_choice, response_format…). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Extra headers for the upstream call (x-sluice-shadow). */
  readonly upstreamHeaders?: Readonly<Record<string, string>>;
}

export interface ServeMeta {
  readonly provider: string;
  readonly model: string;
  /** The user input after preprocessing (what judges see). */
  readonly input: string;
  /** The client's params the release's own values replaced (x-sluice-overridden). */
  readonly overridden: readonly string[];
}

export interface ServeResult extends ServeMeta, Completion {
  readonly latencyMs: number;
  readonly costUsd: number;
}

/** The provider call failed (timeout, upstream status, cut connection, cancelled…): `kind` says how. */
export interface ProviderProblem extends Problem<'provider'> {
  readonly kind: ProviderErrorKind;
  /** The upstream's HTTP status, when it answered with one. */
  readonly status?: number;
}

/** Every way a serve call can fail that a caller is expected to handle. */
export type ServeProblem = RequestProblem | ProviderProblem;

export type ServeOutcome = Result<ServeResult, ServeProblem>;

export interface ServeDeps {
  readonly providers: ProviderRegistry;
  /** Times the provider call (default the monotonic clock). */
  readonly clock?: Clock;
}

/** A provider failure as a returned problem: the serving path never throws for one. */
export function providerProblem(e: ProviderError): ProviderProblem {
  return {
    code: 'provider',
    kind: e.kind,
    message: e.message,
    ...(e.status !== undefined ? { status: e.status } : {}),
  };
}

/** "kind: message" for a provider failure, the message alone for a request problem (item errors, replay rows). */
export function describeServeProblem(p: ServeProblem): string {
  return p.code === 'provider' ? `${p.kind}: ${p.message}` : p.message;
}

/** The provider call the serving path makes, streaming or not: the params the policy settled, the client's other fields. */
function chatRequest(messages: ChatMessage[], model: string, params: ChatParams, req: ServeRequest): ChatRequest {
  return {
    model,
    messages,
    params,
    ...(req.extra ? { extra: req.extra } : {}),
    ...(req.upstreamHeaders ? { headers: req.upstreamHeaders } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.slice ? { hints: { slice: req.slice } } : {}),
  };
}

/**
 * The one serving path: preprocess → render prompt → route → provider call,
 * with usage, latency and cost. The gate, the gateway, shadow and replay all
 * call this. Expected failures — a bad request, a failed provider call — are
 * returned, never thrown; only a programming error escapes.
 */
export async function serve(release: ServingRelease, req: ServeRequest, deps: ServeDeps): Promise<ServeOutcome> {
  const prepared = prepareMessages(release, req);
  if (!prepared.ok) return prepared;
  const clock = deps.clock ?? monotonicClock;
  const policy = applyParamPolicy(release.manifest.params, release.manifest.params_overridable, req.params);
  const started = clock.now();
  let r: Awaited<ReturnType<ModelProvider['chat']>>;
  try {
    const provider = deps.providers.get(prepared.model.provider);
    r = await provider.chat(chatRequest(prepared.messages, prepared.model.name, policy.params, req));
  } catch (e) {
    if (e instanceof ProviderError) return errOf(providerProblem(e));
    throw e;
  }
  const latencyMs = clock.now() - started;
  const cost = deps.providers.cost(prepared.model.provider, prepared.model.name, r.usage);
  return ok({
    provider: prepared.model.provider,
    model: prepared.model.name,
    input: prepared.input,
    overridden: policy.overridden,
    text: r.text,
    finishReason: r.finishReason,
    ...(r.toolCalls ? { toolCalls: r.toolCalls } : {}),
    ...(r.logprobs !== undefined ? { logprobs: r.logprobs } : {}),
    ...(r.moreChoices ? { moreChoices: r.moreChoices } : {}),
    usage: r.usage,
    latencyMs,
    costUsd: cost.usd,
  });
}

export interface ServeStream extends ServeMeta {
  /** The answer as it comes; a provider failure mid-stream rejects the iteration with a ProviderError. */
  readonly chunks: AsyncIterable<ChatChunk>;
  readonly cost: (usage: Usage) => number;
}

export type StreamOutcome = Result<ServeStream, RequestProblem>;

/** The serving path, streaming: the same steps, chunks passed through as they come. */
export function serveStream(release: ServingRelease, req: ServeRequest, deps: ServeDeps): StreamOutcome {
  const prepared = prepareMessages(release, req);
  if (!prepared.ok) return prepared;
  const provider = deps.providers.get(prepared.model.provider);
  const policy = applyParamPolicy(release.manifest.params, release.manifest.params_overridable, req.params);
  const chunks = provider.chatStream(chatRequest(prepared.messages, prepared.model.name, policy.params, req));
  const { provider: name, model } = { provider: prepared.model.provider, model: prepared.model.name };
  return ok({
    provider: name,
    model,
    input: prepared.input,
    overridden: policy.overridden,
    chunks,
    cost: (u: Usage) => deps.providers.cost(name, model, u).usd,
  });
}
