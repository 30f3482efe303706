import type { ChatMessage } from '../release/preprocess.js';
import type { ChatChunk, ChatRequest, Usage } from '../providers/model-provider.js';
import { prepareMessages, type ServingInput } from './build-messages.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { ServingRelease } from './serving-release.js';

export interface ServeRequest extends ServingInput {
  readonly signal?: AbortSignal;
  /** The slice, when the caller knows it (suite items, x-sluice-slice). */
  readonly slice?: string;
  readonly tools?: readonly unknown[];
  /** Extra headers for the upstream call (x-sluice-shadow). */
  readonly upstreamHeaders?: Readonly<Record<string, string>>;
}

export interface ServeMeta {
  readonly provider: string;
  readonly model: string;
  /** The user input after preprocessing (what judges see). */
  readonly input: string;
}

export interface ServeResult extends ServeMeta {
  readonly text: string;
  readonly finishReason: string;
  readonly usage: Usage;
  readonly latencyMs: number;
  readonly costUsd: number;
}

export type ServeOutcome =
  | ({ ok: true } & ServeResult)
  | { ok: false; code: 'bad_request' | 'preprocessing_mismatch'; message: string };

export interface ServeDeps {
  readonly providers: ProviderRegistry;
  readonly now?: () => number;
}

/** The provider call the serving path makes, streaming or not: the release's own params. */
function chatRequest(release: ServingRelease, messages: ChatMessage[], model: string, req: ServeRequest): ChatRequest {
  return {
    model,
    messages,
    params: release.manifest.params,
    ...(req.tools ? { tools: req.tools } : {}),
    ...(req.upstreamHeaders ? { headers: req.upstreamHeaders } : {}),
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.slice ? { hints: { slice: req.slice } } : {}),
  };
}

/**
 * The one serving path: preprocess → render prompt → route → provider call,
 * with usage, latency and cost. The gate, the gateway, shadow and replay all
 * call this. Provider failures throw ProviderError; request problems are returned.
 */
export async function serve(release: ServingRelease, req: ServeRequest, deps: ServeDeps): Promise<ServeOutcome> {
  const prepared = prepareMessages(release, req);
  if (!prepared.ok) return prepared;
  const now = deps.now ?? performance.now.bind(performance);
  const started = now();
  const provider = deps.providers.get(prepared.model.provider);
  const r = await provider.chat(chatRequest(release, prepared.messages, prepared.model.name, req));
  const latencyMs = now() - started;
  const cost = deps.providers.cost(prepared.model.provider, prepared.model.name, r.usage);
  return {
    ok: true,
    provider: prepared.model.provider,
    model: prepared.model.name,
    input: prepared.input,
    text: r.text,
    finishReason: r.finishReason,
    usage: r.usage,
    latencyMs,
    costUsd: cost.usd,
  };
}

export type StreamOutcome =
  | ({ ok: true; chunks: AsyncIterable<ChatChunk>; cost: (usage: Usage) => number } & ServeMeta)
  | { ok: false; code: 'bad_request' | 'preprocessing_mismatch'; message: string };

/** The serving path, streaming: the same steps, chunks passed through as they come. */
export function serveStream(release: ServingRelease, req: ServeRequest, deps: ServeDeps): StreamOutcome {
  const prepared = prepareMessages(release, req);
  if (!prepared.ok) return prepared;
  const provider = deps.providers.get(prepared.model.provider);
  const chunks = provider.chatStream(chatRequest(release, prepared.messages, prepared.model.name, req));
  const { provider: name, model } = { provider: prepared.model.provider, model: prepared.model.name };
  return {
    ok: true,
    provider: name,
    model,
    input: prepared.input,
    chunks,
    cost: (u) => deps.providers.cost(name, model, u).usd,
  };
}
