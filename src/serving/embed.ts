import { estimateTokens } from '../kernel/chat.js';
import { type Clock, monotonicClock } from '../kernel/clock.js';
import { err, errOf, ok, type Result } from '../kernel/result.js';
import { ProviderError, type Usage } from '../providers/model-provider.js';
import { PREPROCESS_LIBRARY, preprocess } from '../release/preprocess.js';
import { providerProblem, type ServeDeps, type ServeProblem } from './serve.js';
import type { ServingRelease } from './serving-release.js';

export interface EmbedRequest {
  readonly inputs: readonly string[];
  readonly signal?: AbortSignal;
}

export interface EmbedResult {
  readonly provider: string;
  readonly model: string;
  /** The inputs after the release's preprocessing (what was embedded). */
  readonly inputs: readonly string[];
  readonly vectors: number[][];
  /** Estimated (characters / 4): embedding endpoints do not all report usage. */
  readonly usage: Usage;
  readonly latencyMs: number;
  readonly costUsd: number;
}

/**
 * The serving path for embeddings: the release's text preprocessing on each
 * input (as on a user message), then its embeddings model. A release without
 * one, or a provider without embeddings, is a bad request; provider failures
 * are returned, never thrown.
 */
export async function serveEmbeddings(
  release: ServingRelease,
  req: EmbedRequest,
  deps: ServeDeps & { readonly clock?: Clock },
): Promise<Result<EmbedResult, ServeProblem>> {
  const m = release.manifest;
  if (!m.embeddings) return err('bad_request', `release ${release.id} of route "${m.name}" names no embeddings model`);
  if (m.preprocessing.library !== PREPROCESS_LIBRARY)
    return err(
      'preprocessing_mismatch',
      `release was registered with ${m.preprocessing.library}; this Sluice runs ${PREPROCESS_LIBRARY}`,
    );
  const { provider: name, name: model } = m.embeddings;
  const steps = m.preprocessing.steps;
  const inputs = req.inputs.map((text) => {
    const pre = preprocess({ messages: [{ role: 'user', content: text }], vars: {} }, steps);
    const c = pre.messages[0]?.content;
    return typeof c === 'string' ? c : text;
  });
  const clock = deps.clock ?? monotonicClock;
  const started = clock.now();
  let vectors: number[][];
  try {
    const provider = deps.providers.get(name);
    if (!provider.embed) return err('bad_request', `provider "${name}" (${provider.kind}) serves no embeddings`);
    vectors = await provider.embed(model, inputs, req.signal);
  } catch (e) {
    if (e instanceof ProviderError) return errOf(providerProblem(e));
    throw e;
  }
  const tokens = inputs.reduce((n, s) => n + estimateTokens(s), 0);
  const usage: Usage = { prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens };
  return ok({
    provider: name,
    model,
    inputs,
    vectors,
    usage,
    latencyMs: clock.now() - started,
    costUsd: deps.providers.cost(name, model, usage).usd,
  });
}
