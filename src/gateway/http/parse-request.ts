import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { ChatMessage } from '../../release/preprocess.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';
import type { ClientParams } from '../../serving/param-policy.js';
import { fastFieldsOk, fieldShape, splitFields } from './request-fields.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import type { BodyReservation } from './body-budget.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const contentPart = z.looseObject({ type: z.string() });

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

/**
 * What the gateway reads of an OpenAI chat request: the conversation, the
 * stream flags, the types of the fields it knows (a wrong one is a 400 naming
 * the field); any other field passes through to the provider unchecked.
 */
export const chatRequestSchema = z.looseObject({
  ...fieldShape,
  model: z.string().min(1, '"model" (the route) is required'),
  messages: z.array(message).min(1, '"messages" must hold at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  user: z.string().optional(),
  /** Template variables for the release's prompt (string values only, as OpenAI's metadata). */
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});

export interface ChatCompletionRequest {
  readonly route: string;
  readonly messages: ChatMessage[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly user: string | undefined;
  readonly vars: Record<string, string>;
  /** The client's values for params a release may own (serving/param-policy.ts decides which hold). */
  readonly params: ClientParams | undefined;
  /** The fields that pass through to the provider as they came (tools, response_format, n, user…). */
  readonly extra: Record<string, unknown> | undefined;
}

/**
 * Why a request is refused before it is routed; gateway/http/errors.ts makes
 * it a 413 (`request_too_large`) or a 400 with the code as OpenAI's `code`.
 */
export type RequestProblem = Problem<
  'request_too_large' | 'body_unreadable' | 'invalid_json' | 'json_too_deep' | 'invalid_request' | 'overloaded'
>;

export type BodyResult = Result<Buffer, RequestProblem>;

const tooLarge = (limit: number) => err('request_too_large', `the request body is larger than ${limit} bytes`);
const overloaded = () =>
  err('overloaded', 'the gateway holds as many request bodies as it may right now; retry shortly');

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops reading
 * (a declared Content-Length over the limit is refused before any byte is read).
 * With a `reservation`, the body's bytes are taken from the gateway's body
 * budget first (a declared length up front, else chunk by chunk); when the
 * budget cannot spare them it stops reading: 'overloaded'.
 */
export function readBody(req: IncomingMessage, limit: number, reservation?: BodyReservation): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  const hasLength = Number.isFinite(declared) && declared >= 0;
  if (hasLength && declared > limit) return Promise.resolve(tooLarge(limit));
  if (reservation && hasLength && !reservation.take(declared)) return Promise.resolve(overloaded());
  const perChunk = reservation && !hasLength ? reservation : undefined;
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(r);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish(tooLarge(limit));
        return;
      }
      if (perChunk && !perChunk.take(chunk.length)) {
        req.pause();
        finish(overloaded());
        return;
      }
      parts.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish(ok(Buffer.concat(parts, size))));
    // 'close' follows every request, also after 'end': build the error only when it is one.
    req.once('error', () => done || finish(err('body_unreadable', 'the request body could not be read')));
    req.once('close', () => done || finish(err('body_unreadable', 'the request body was cut off')));
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.map(String).join('.') : 'body';
  return `${path}: ${issue.message}`;
}

type RequestShape = z.infer<typeof chatRequestSchema>;
type Checked = Result<ChatCompletionRequest, RequestProblem>;

const ROLES: ReadonlySet<unknown> = new Set(message.shape.role.options);

/** A plain object; one with its own "__proto__" key (which the schema drops) is left to the schema. */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.hasOwn(v, '__proto__');
const absent = (v: unknown): boolean => v === undefined || v === null;

/**
 * The common request, recognized without the schema: every message's content a
 * string or null, every field of the type the schema asks for. Whatever this
 * accepts the schema accepts too (a test holds the two together); anything
 * else (content parts, a malformed body) goes through the schema, which also
 * words the errors.
 */
function isPlainRequest(b: unknown): b is RequestShape {
  if (!isObject(b) || typeof b.model !== 'string' || b.model.length === 0) return false;
  const messages = b.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const m of messages) {
    if (!isObject(m) || !ROLES.has(m.role) || !(absent(m.content) || typeof m.content === 'string')) return false;
  }
  if (!absent(b.stream) && typeof b.stream !== 'boolean') return false;
  const so = b.stream_options;
  if (!absent(so) && !(isObject(so) && (so.include_usage === undefined || typeof so.include_usage === 'boolean')))
    return false;
  if (b.user !== undefined && typeof b.user !== 'string') return false;
  if (!fastFieldsOk(b)) return false;
  const md = b.metadata;
  if (!absent(md) && !(isObject(md) && Object.values(md).every((v) => typeof v === 'string'))) return false;
  return true;
}

function toRequest(b: RequestShape): ChatCompletionRequest {
  const { params, extra } = splitFields(b);
  return {
    route: b.model,
    messages: b.messages.map((m) => ({ ...m, content: m.content ?? null }) as ChatMessage),
    stream: b.stream === true,
    includeUsage: b.stream_options?.include_usage === true,
    user: b.user,
    vars: b.metadata ?? {},
    params,
    extra,
  };
}

/** The request through the schema alone: the reference `checkChatRequest` must agree with. */
export function checkWithSchema(value: unknown): Checked {
  const parsed = chatRequestSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map(describeIssue).join('; ');
    return err('invalid_request', `invalid chat completion request: ${issues}`);
  }
  return ok(toRequest(parsed.data));
}

/** Checks a parsed /v1/chat/completions body: the common shape directly, anything else by the schema. */
export function checkChatRequest(value: unknown): Checked {
  return isPlainRequest(value) ? ok(toRequest(value)) : checkWithSchema(value);
}

function parseJson(body: Buffer): Result<unknown, RequestProblem> {
  if (nestsDeeperThan(body, MAX_JSON_DEPTH))
    return err('json_too_deep', `the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels, the limit`);
  try {
    return ok(JSON.parse(body.toString('utf8')) as unknown);
  } catch (e) {
    return err('invalid_json', `the body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Parses and checks a /v1/chat/completions body; malformed JSON and schema errors are 400s. */
export function parseChatRequest(body: Buffer): Checked {
  const json = parseJson(body);
  return json.ok ? checkChatRequest(json.value) : json;
}

/** Parses a body as JSON and checks it with `schema`; either failure is a 400 naming the first issues. */
export function parseJsonBody<T>(body: Buffer, schema: z.ZodType<T>, what: string): Result<T, RequestProblem> {
  const json = parseJson(body);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues.slice(0, 3).map(describeIssue).join('; ');
  return err('invalid_request', `invalid ${what}: ${issues}`);
}
