import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { serveEmbeddings } from '../../serving/embed.js';
import type { Caller } from '../auth/client-auth.js';
import {
  bodyEndpoint,
  type ChatContext,
  type Endpoint,
  type Outcome,
  refused,
  type Routed,
  serveRouted,
} from './chat.js';
import { serveError } from './errors.js';
import { parseJsonBody, type ChatCompletionRequest } from './parse-request.js';
import { sendJson, servedHeaders } from './respond.js';

const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1, '"model" (the route) is required'),
  input: z.union([z.string(), z.array(z.string()).min(1, '"input" must not be empty')], {
    error: '"input" must be a string or a list of strings (token arrays are not accepted)',
  }),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z
    .undefined({ error: '"dimensions" is not supported: the release\'s embeddings model decides the size' })
    .optional(),
  user: z.string().optional(),
});

/** A vector as OpenAI's base64 encoding: little-endian float32s. */
function base64Vector(v: readonly number[]): string {
  const f = new Float32Array(v);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
}

/**
 * POST /v1/embeddings: routed like chat (route, key permission, sticky arm),
 * served by the release's embeddings model; traced, never judged or mirrored.
 */
export const handleEmbeddings: Endpoint = bodyEndpoint(
  (body) => parseJsonBody(body, embeddingsRequestSchema, 'embeddings request'),
  serveEmbeddingsRequest,
);

async function serveEmbeddingsRequest(
  ctx: ChatContext,
  req: IncomingMessage,
  res: ServerResponse,
  started: number,
  b: z.infer<typeof embeddingsRequestSchema>,
  caller: Caller,
): Promise<void> {
  const inputs = typeof b.input === 'string' ? [b.input] : b.input;
  const body: ChatCompletionRequest = {
    route: b.model,
    messages: inputs.map((content) => ({ role: 'user', content })),
    stream: false,
    includeUsage: false,
    user: b.user,
    params: undefined,
    extra: undefined,
    vars: {},
  };
  const base64 = b.encoding_format === 'base64';
  const answer = async ({ ctx: c, sreq, release, res: out, served }: Routed): Promise<Outcome> => {
    const signal = sreq.signal!;
    const r = await serveEmbeddings(release, { inputs, ...(signal ? { signal } : {}) }, c.serving);
    if (!r.ok) return refused(out, served, serveError(r.error), signal);
    const v = r.value;
    sendJson(
      out,
      200,
      {
        object: 'list',
        data: v.vectors.map((e, index) => ({
          object: 'embedding',
          index,
          embedding: base64 ? base64Vector(e) : e,
        })),
        model: b.model,
        usage: { prompt_tokens: v.usage.prompt_tokens, total_tokens: v.usage.total_tokens },
      },
      servedHeaders(served),
    );
    return {
      status: 200,
      usage: v.usage,
      costUsd: v.costUsd,
      output: '',
      input: v.inputs.join('\n'),
      model: `${v.provider}/${v.model}`,
    };
  };
  return serveRouted(ctx, req, res, started, body, caller, answer, 'embeddings');
}
