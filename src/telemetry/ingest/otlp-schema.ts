import { z } from 'zod';

/**
 * OTLP's ExportTraceServiceRequest as JSON (OTLP/HTTP `application/json`),
 * and as protobufjs hands a decoded protobuf body over (`toObject` with
 * longs as strings and bytes as base64), checked with the same schema.
 * Fields Sluice does not read are let through unchecked; the ones it reads
 * must have their protocol types, so a wrong type is named with its path.
 */

/** A uint64 or int64: a JSON number or a decimal string (OTLP/JSON writes 64-bit integers as strings). */
const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'expected a decimal integer')]);
const uint64 = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'expected a decimal integer')]);

export type AnyValue = {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: number | string | undefined;
  doubleValue?: number | string | undefined;
  arrayValue?: { values?: AnyValue[] | undefined } | undefined;
  kvlistValue?: { values?: KeyValue[] | undefined } | undefined;
  bytesValue?: string | undefined;
};
export type KeyValue = { key: string; value?: AnyValue | undefined };

export const anyValueSchema: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    // OTLP/JSON writes NaN and the infinities as strings.
    doubleValue: z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]).optional(),
    arrayValue: z.object({ values: z.array(anyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValueSchema).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);

export const keyValueSchema: z.ZodType<KeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: anyValueSchema.optional() }),
);

const attributes = z.array(keyValueSchema).optional();

export const otlpSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string().optional(),
  kind: z.number().int().optional(),
  startTimeUnixNano: uint64.optional(),
  endTimeUnixNano: uint64.optional(),
  attributes,
  events: z.array(z.object({ timeUnixNano: uint64.optional(), name: z.string().optional(), attributes })).optional(),
  status: z.object({ code: z.number().int().optional(), message: z.string().optional() }).optional(),
});

export const exportTraceRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(otlpSpanSchema).optional() })).optional(),
      }),
    )
    .optional(),
});

export type OtlpSpan = z.output<typeof otlpSpanSchema>;
export type ExportTraceRequest = z.output<typeof exportTraceRequestSchema>;
