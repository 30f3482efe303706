import { createHash } from 'node:crypto';
import type { Finished } from '../../gateway/http/chat.js';
import { GatewayError } from '../../gateway/http/errors.js';
import type { RouteTable } from '../../gateway/routing/route-table.js';
import { genAiExchange } from './core/gen-ai-exchange.js';
import { type IngestMapping, spanArm, spanPlace } from './core/span-route.js';
import type { IngestSpan } from './otlp-decode.js';

/** What became of one ingested span. */
export type SpanOutcome =
  | { readonly kind: 'stored'; readonly finished: Finished }
  /** Not a GenAI span (an HTTP or database span beside it): not Sluice's to keep. */
  | { readonly kind: 'ignored' }
  /** A GenAI span without its prompt and answer (content capture off). */
  | { readonly kind: 'no-content' }
  /** A GenAI span Sluice cannot place on a route and release. */
  | { readonly kind: 'rejected'; readonly reason: string };

/**
 * The trace id of an ingested span: time-ordered like the gateway's request
 * ids (the end time, then hex of the OTLP trace and span id's digest), and
 * the same every time the span is sent, so a retried export is stored once.
 */
export function ingestedId(s: Pick<IngestSpan, 'traceId' | 'spanId' | 'endMs'>): string {
  const digest = createHash('sha256').update(s.traceId).update(s.spanId).digest('hex');
  return Math.floor(s.endMs).toString(16).padStart(12, '0') + digest.slice(0, 20);
}

/**
 * An ingested GenAI span as a finished request of its route, as if the
 * gateway had served it: the same record goes to the traces (redacted by the
 * same redactor), the per-arm intervals, the observer and the shadow mirror.
 */
export function ingestedRequest(span: IngestSpan, routes: RouteTable, mapping: IngestMapping): SpanOutcome {
  const exchange = genAiExchange(span.attributes, span.events);
  if (exchange === 'not-gen-ai') return { kind: 'ignored' };
  if (exchange === 'no-content') return { kind: 'no-content' };
  const place = spanPlace(span.attributes, span.resource, mapping);
  if ('reason' in place) return { kind: 'rejected', reason: place.reason };
  const entry = routes.lookup(place.route);
  if (!entry) return { kind: 'rejected', reason: `no route "${place.route}"` };
  const chosen = spanArm(entry, place);
  if ('reason' in chosen) return { kind: 'rejected', reason: chosen.reason };
  const usage =
    exchange.inputTokens !== undefined || exchange.outputTokens !== undefined
      ? {
          prompt_tokens: exchange.inputTokens ?? 0,
          completion_tokens: exchange.outputTokens ?? 0,
          total_tokens: (exchange.inputTokens ?? 0) + (exchange.outputTokens ?? 0),
        }
      : undefined;
  const error = span.failed
    ? new GatewayError(
        502,
        'upstream_error',
        exchange.errorType ?? 'span_error',
        span.statusMessage ?? 'the span reported an error',
      )
    : undefined;
  const slice = place.slice;
  return {
    kind: 'stored',
    finished: {
      id: ingestedId(span),
      entry,
      release: chosen.release,
      arm: chosen.arm,
      stickyKey: undefined,
      status: error ? error.status : 200,
      latencyMs: span.endMs - span.startMs,
      usage,
      costUsd: 0,
      slice,
      messages: exchange.messages,
      output: exchange.output,
      request: { messages: exchange.messages, vars: {}, headers: {}, ...(slice !== undefined ? { slice } : {}) },
      endpoint: 'otlp',
      ...(error ? { error } : {}),
      ...(exchange.model !== undefined ? { model: exchange.model } : {}),
      ...(exchange.finishReason !== undefined ? { finishReason: exchange.finishReason } : {}),
    },
  };
}
