import type { z } from 'zod';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';
import { attributeMap, type Plain } from './core/attribute-values.js';
import type { SpanEventView } from './core/gen-ai-exchange.js';
import { decodeTraceRequest } from './otlp-proto.js';
import { exportTraceRequestSchema } from './otlp-schema.js';

/** A span as ingestion reads it: ids in hex, times in ms, attributes by key, with its resource's. */
export interface IngestSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** The parent span's id in hex, when the span has one. */
  readonly parentSpanId?: string;
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  /** OTLP status code 2: the span says the operation failed. */
  readonly failed: boolean;
  readonly statusMessage?: string;
  readonly attributes: ReadonlyMap<string, Plain>;
  readonly events: readonly SpanEventView[];
  readonly resource: ReadonlyMap<string, Plain>;
}

export type OtlpFormat = 'protobuf' | 'json';
export type DecodeProblem = Problem<'bad_otlp'>;

/** The OTLP/HTTP content type of a request, or undefined for one Sluice does not take. */
export function otlpFormat(contentType: string | undefined): OtlpFormat | undefined {
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

const HEX_ID = /^[0-9a-f]+$/;

/** An id as hex: OTLP/JSON writes hex, a decoded protobuf gives base64. Undefined when it has the wrong length. */
function hexId(value: string, bytes: number, format: OtlpFormat): string | undefined {
  const hex = format === 'json' ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
  return hex.length === bytes * 2 && HEX_ID.test(hex) ? hex : undefined;
}

/** Unix nanoseconds (a decimal string or a number) in milliseconds. */
function millis(v: string | number | undefined): number {
  if (v === undefined) return 0;
  return typeof v === 'number' ? v / 1e6 : Number(BigInt(v) / 1000n) / 1000;
}

function issuePath(issue: z.core.$ZodIssue): string {
  let out = '';
  for (const p of issue.path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(body)';
}

/**
 * An OTLP/HTTP ExportTraceServiceRequest body (protobuf or JSON) as spans,
 * or the reason it is malformed: not the format it claims, a field of the
 * wrong type (named with its path), an id of the wrong length.
 */
export function decodeSpans(body: Buffer, format: OtlpFormat): Result<IngestSpan[], DecodeProblem> {
  let raw: unknown;
  try {
    raw = format === 'protobuf' ? decodeTraceRequest(body) : JSON.parse(body.toString('utf8'));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return err(
      'bad_otlp',
      format === 'protobuf'
        ? `the body is not an OTLP ExportTraceServiceRequest protobuf: ${why}`
        : `the body is not JSON: ${why}`,
    );
  }
  const parsed = exportTraceRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return err('bad_otlp', `${issuePath(issue)}: ${issue.message}`);
  }
  const spans: IngestSpan[] = [];
  for (const [r, rs] of (parsed.data.resourceSpans ?? []).entries()) {
    const resource = attributeMap(rs.resource?.attributes);
    for (const [s, ss] of (rs.scopeSpans ?? []).entries()) {
      for (const [i, span] of (ss.spans ?? []).entries()) {
        const at = `resourceSpans[${r}].scopeSpans[${s}].spans[${i}]`;
        const traceId = hexId(span.traceId, 16, format);
        if (!traceId) return err('bad_otlp', `${at}.traceId: expected 16 bytes`);
        const spanId = hexId(span.spanId, 8, format);
        if (!spanId) return err('bad_otlp', `${at}.spanId: expected 8 bytes`);
        const parentSpanId = span.parentSpanId ? hexId(span.parentSpanId, 8, format) : undefined;
        const startMs = millis(span.startTimeUnixNano);
        const endMs = millis(span.endTimeUnixNano);
        if (endMs < startMs) return err('bad_otlp', `${at}: endTimeUnixNano is before startTimeUnixNano`);
        spans.push({
          traceId,
          spanId,
          ...(parentSpanId ? { parentSpanId } : {}),
          name: span.name ?? '',
          startMs,
          endMs,
          failed: span.status?.code === 2,
          ...(span.status?.message ? { statusMessage: span.status.message } : {}),
          attributes: attributeMap(span.attributes),
          events: (span.events ?? []).map((e) => ({ name: e.name ?? '', attributes: attributeMap(e.attributes) })),
          resource,
        });
      }
    }
  }
  return ok(spans);
}
