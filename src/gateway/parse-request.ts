import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { ChatMessage } from '../preprocess/preprocess.js';
import { badRequest, tooLarge, type GatewayError } from './errors.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const contentPart = z.looseObject({ type: z.string() });

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});

/** What the gateway reads of an OpenAI chat request; other fields pass unchecked (the release decides the parameters). */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1, '"model" (the route) is required'),
  messages: z.array(message).min(1, '"messages" must hold at least one message'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  user: z.string().optional(),
  tools: z.array(z.unknown()).optional(),
  /** Template variables for the release's prompt (string values only, as OpenAI's metadata). */
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});

export interface ChatCompletionRequest {
  readonly route: string;
  readonly messages: ChatMessage[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly user: string | undefined;
  readonly tools: unknown[] | undefined;
  readonly vars: Record<string, string>;
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; error: GatewayError };

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops reading
 * (a declared Content-Length over the limit is refused before any byte is read).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, error: tooLarge(limit) });
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
        finish({ ok: false, error: tooLarge(limit) });
        return;
      }
      parts.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => finish({ ok: true, body: Buffer.concat(parts, size) }));
    // 'close' follows every request, also after 'end': build the error only when it is one.
    req.once('error', () => done || finish({ ok: false, error: badRequest('the request body could not be read', 'body_unreadable') }));
    req.once('close', () => done || finish({ ok: false, error: badRequest('the request body was cut off', 'body_unreadable') }));
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length ? issue.path.map(String).join('.') : 'body';
  return `${path}: ${issue.message}`;
}

/** Parses and checks a /v1/chat/completions body; malformed JSON and schema errors are 400s. */
export function parseChatRequest(body: Buffer): { ok: true; request: ChatCompletionRequest } | { ok: false; error: GatewayError } {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8')) as unknown;
  } catch (e) {
    return { ok: false, error: badRequest(`the body is not valid JSON: ${(e as Error).message}`, 'invalid_json') };
  }
  const parsed = chatRequestSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map(describeIssue).join('; ');
    return { ok: false, error: badRequest(`invalid chat completion request: ${issues}`) };
  }
  const b = parsed.data;
  return {
    ok: true,
    request: {
      route: b.model,
      messages: b.messages.map((m) => ({ ...m, content: m.content ?? null })),
      stream: b.stream === true,
      includeUsage: b.stream_options?.include_usage === true,
      user: b.user,
      tools: b.tools,
      vars: b.metadata ?? {},
    },
  };
}
