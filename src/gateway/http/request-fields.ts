import { z } from 'zod';
import { compileJsonSchema } from '../../judging/json-schema-judge.js';
import type { ClientParams } from '../../serving/param-policy.js';

/**
 * The fields of a chat request beyond the conversation: the params a release
 * may own, the other OpenAI fields Sluice checks the type of, and the split of
 * a request into the client's params and what passes through to the provider.
 */

/** Fields the gateway consumes itself; they never reach the provider as such. */
const OWN: ReadonlySet<string> = new Set(['model', 'messages', 'stream', 'stream_options', 'metadata']);

/** Function and response-format names, as OpenAI allows them. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

const safeInt = (v: unknown): v is number => Number.isSafeInteger(v);
const between = (min: number, max: number) => (v: unknown) => typeof v === 'number' && v >= min && v <= max;

/**
 * The common fields with a type Sluice checks, each as a predicate for the
 * fast path; `fieldShape` says the same to zod (a test holds the two together).
 */
const FAST_CHECKS: Readonly<Record<string, (v: unknown) => boolean>> = {
  temperature: between(0, 2),
  top_p: between(0, 1),
  max_tokens: (v) => safeInt(v) && v >= 1,
  max_completion_tokens: (v) => safeInt(v) && v >= 1,
  seed: safeInt,
  stop: (v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')),
  presence_penalty: between(-2, 2),
  frequency_penalty: between(-2, 2),
  n: (v) => safeInt(v) && v >= 1 && v <= 128,
  logprobs: (v) => typeof v === 'boolean',
  top_logprobs: (v) => safeInt(v) && v >= 0 && v <= 20,
  reasoning_effort: (v) => typeof v === 'string',
  parallel_tool_calls: (v) => typeof v === 'boolean',
};

/** Fields only the schema checks: a request that has one takes the schema's path. */
const SCHEMA_ONLY = ['tools', 'tool_choice', 'response_format'] as const;

const knownSchemas = new Map<string, boolean>();

/** A JSON Schema the providers can be given: compiled once per distinct schema (tools repeat from request to request). */
function checkJsonSchema(schema: Record<string, unknown>, ctx: z.core.$RefinementCtx): void {
  const key = JSON.stringify(schema);
  let valid = knownSchemas.get(key);
  if (valid === undefined) {
    valid = compileJsonSchema(schema).ok;
    if (knownSchemas.size >= 512) knownSchemas.clear();
    knownSchemas.set(key, valid);
  }
  if (!valid) ctx.addIssue({ code: 'custom', message: 'is not a JSON Schema' });
}

const jsonSchema = z.record(z.string(), z.unknown()).superRefine(checkJsonSchema);

const functionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(NAME, 'a function name is 1 to 64 letters, digits, _ or -'),
    description: z.string().optional(),
    parameters: jsonSchema.optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

const customTool = z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string().min(1) }) });

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
  z.looseObject({ type: z.enum(['allowed_tools', 'custom']) }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().regex(NAME, 'a schema name is 1 to 64 letters, digits, _ or -'),
      description: z.string().optional(),
      schema: jsonSchema.optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const int = z.int();

/** The same checks as FAST_CHECKS, and the tool and response-format fields, for the request schema. */
export const fieldShape = {
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: int.min(1).nullable().optional(),
  max_completion_tokens: int.min(1).nullable().optional(),
  seed: int.nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  n: int.min(1).max(128).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: int.min(0).max(20).nullable().optional(),
  reasoning_effort: z.string().nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  tools: z
    .array(z.discriminatedUnion('type', [functionTool, customTool]))
    .nullable()
    .optional(),
  tool_choice: toolChoice.nullable().optional(),
  response_format: responseFormat.nullable().optional(),
};

/** The fast path's check of the known fields: false sends the request through the schema (which words the error). */
export function fastFieldsOk(b: Readonly<Record<string, unknown>>): boolean {
  for (const k of SCHEMA_ONLY) if (b[k] !== undefined) return false;
  for (const k in FAST_CHECKS) {
    const v = b[k];
    if (v !== undefined && v !== null && !FAST_CHECKS[k]!(v)) return false;
  }
  return true;
}

/** Params a release may own, as the client wrote them (`max_completion_tokens` is the same budget as `max_tokens`). */
const PARAMS: ReadonlySet<string> = new Set([
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'seed',
  'stop',
  'presence_penalty',
  'frequency_penalty',
]);

export interface RequestFields {
  /** The client's values for params a release may own; undefined when it set none. */
  readonly params: ClientParams | undefined;
  /** Everything else the provider gets, as it came; undefined when there is nothing. */
  readonly extra: Record<string, unknown> | undefined;
}

/**
 * Splits a checked request into the client's params and the fields that pass
 * through: one pass over its keys, a shallow copy, null values dropped (unset).
 */
export function splitFields(b: Readonly<Record<string, unknown>>): RequestFields {
  let params: Record<string, unknown> | undefined;
  let extra: Record<string, unknown> | undefined;
  for (const k in b) {
    const v = b[k];
    if (v === undefined || v === null || OWN.has(k) || k === '__proto__') continue;
    if (!PARAMS.has(k)) {
      extra ??= {};
      extra[k] = v;
      continue;
    }
    params ??= {};
    if (k === 'max_completion_tokens') params.max_tokens = v;
    else if (k === 'stop') params.stop = typeof v === 'string' ? [v] : v;
    else if (k !== 'max_tokens' || b.max_completion_tokens === undefined || b.max_completion_tokens === null)
      params[k] = v;
  }
  return { params: params as ClientParams | undefined, extra };
}
