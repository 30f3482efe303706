import type { Finished } from '../../gateway/http/chat.js';

/** An attribute value as OpenTelemetry takes it. */
export type AttributeValue = string | number | boolean | string[];
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** One gateway request as a GenAI client span: its name, attributes and times (epoch ms). */
export interface GenAiSpan {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Attributes;
  /** The error's type when the request failed (the span's status is then ERROR). */
  readonly errorType?: string;
  /** The attributes the metrics carry: the operation, the models, the route and arm, the error type. */
  readonly metricAttributes: Attributes;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Seconds to the first streamed chunk (streams only). */
  readonly firstChunkSeconds?: number;
}

/** gen_ai.operation.name of an endpoint: embeddings, or chat (chat completions and the Responses API). */
export function operationName(f: Pick<Finished, 'endpoint'>): 'chat' | 'embeddings' {
  return f.endpoint === 'embeddings' ? 'embeddings' : 'chat';
}

/** The model name of "provider/name" (the provider is Sluice's own name for it, not a GenAI system). */
function responseModel(model: string | undefined): string | undefined {
  if (model === undefined) return undefined;
  const slash = model.indexOf('/');
  return slash < 0 ? model : model.slice(slash + 1);
}

/**
 * The span of a finished request under the OpenTelemetry GenAI semantic
 * conventions, built from the facts the gateway computed once (route,
 * release, arm, usage, finish reason, timings): nothing is recomputed. The
 * content (prompt, answer) is never put on the span; it stays in Sluice's
 * redacted traces. `endMs` is when the request finished, epoch ms.
 */
export function genAiSpan(f: Finished, endMs: number): GenAiSpan {
  const op = operationName(f);
  const model = responseModel(f.model);
  const errorType = f.error ? (f.error.code ?? f.error.type) : undefined;
  const attributes: Record<string, AttributeValue> = {
    'gen_ai.operation.name': op,
    'gen_ai.request.model': f.entry.route,
    'gen_ai.response.id': f.id,
    'sluice.route': f.entry.route,
    'sluice.release': f.release.id,
    'sluice.arm': f.arm,
    'http.response.status_code': f.status,
  };
  if (model !== undefined) attributes['gen_ai.response.model'] = model;
  if (f.usage) {
    attributes['gen_ai.usage.input_tokens'] = f.usage.prompt_tokens;
    if (op === 'chat') attributes['gen_ai.usage.output_tokens'] = f.usage.completion_tokens;
  }
  if (f.finishReason !== undefined) attributes['gen_ai.response.finish_reasons'] = [f.finishReason];
  if (f.firstChunkMs !== undefined) attributes['gen_ai.response.time_to_first_chunk'] = f.firstChunkMs / 1000;
  if (f.slice !== undefined) attributes['sluice.slice'] = f.slice;
  if (f.client !== undefined) attributes['sluice.client'] = f.client;
  if (f.requestId !== undefined) attributes['sluice.request_id'] = f.requestId;
  if (f.costUsd > 0) attributes['sluice.cost_usd'] = f.costUsd;
  if (f.entry.rolloutId !== null) attributes['sluice.rollout'] = f.entry.rolloutId;
  if (errorType !== undefined) attributes['error.type'] = errorType;
  const metricAttributes: Record<string, AttributeValue> = {
    'gen_ai.operation.name': op,
    'gen_ai.request.model': f.entry.route,
    'sluice.route': f.entry.route,
    'sluice.arm': f.arm,
  };
  if (model !== undefined) metricAttributes['gen_ai.response.model'] = model;
  if (errorType !== undefined) metricAttributes['error.type'] = errorType;
  return {
    name: `${op} ${f.entry.route}`,
    startMs: endMs - f.latencyMs,
    endMs,
    attributes,
    metricAttributes,
    ...(errorType !== undefined ? { errorType } : {}),
    ...(f.usage ? { inputTokens: f.usage.prompt_tokens } : {}),
    ...(f.usage && op === 'chat' ? { outputTokens: f.usage.completion_tokens } : {}),
    ...(f.firstChunkMs !== undefined ? { firstChunkSeconds: f.firstChunkMs / 1000 } : {}),
  };
}
