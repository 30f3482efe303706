import type { IncomingHttpHeaders } from 'node:http';
import { at, isRecord, num, str } from '../http/json-access.js';
import type { ChatMessage } from '../../release/preprocess.js';
import type { Usage } from '../model-provider.js';
import { chatCompletionChunk } from '../openai/chat-completion-chunk.js';
import type { SimRequest } from './sim-engine.js';
import { simTools, withTools } from './sim-tools.js';
import type { ToolCall } from '../../kernel/tool-calls.js';

/** A `created` timestamp: the Unix time in whole seconds. */
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An OpenAI-style error body. */
export function errorBody(message: string, type: string, code: string | null = null): unknown {
  return { error: { message, type, code } };
}

export interface ParsedChat {
  readonly request: SimRequest;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads a /chat/completions body; gives back a message when it is not one. */
export function parseChatBody(body: unknown, headers: IncomingHttpHeaders): ParsedChat | string {
  if (!isRecord(body)) return 'the body must be a JSON object';
  const model = str(body.model);
  if (!model) return '"model" is required';
  if (!Array.isArray(body.messages) || !body.messages.every((m) => isRecord(m) && typeof m.role === 'string')) {
    return '"messages" must be a list of {role, content}';
  }
  const maxTokens = num(body.max_completion_tokens) ?? num(body.max_tokens);
  const slice = header(headers, 'x-sluice-slice');
  const nonce = header(headers, 'x-sluice-sim-nonce');
  const request: SimRequest = {
    model,
    messages: body.messages as ChatMessage[],
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(at(body, 'response_format', 'type') === 'json_object' ? { json: true } : {}),
    ...(slice ? { slice } : {}),
    ...(nonce ? { nonce } : {}),
    ...withTools(simTools(body)),
  };
  return { request, stream: body.stream === true, includeUsage: at(body, 'stream_options', 'include_usage') === true };
}

export function completionBody(
  id: string,
  model: string,
  text: string,
  finishReason: string,
  usage: Usage,
  toolCalls?: readonly ToolCall[],
): unknown {
  const message = toolCalls
    ? { role: 'assistant', content: text || null, tool_calls: toolCalls }
    : { role: 'assistant', content: text };
  return {
    id,
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices: [{ index: 0, message, finish_reason: finishReason }],
    usage,
  };
}

export function chunkBody(
  id: string,
  model: string,
  delta: Readonly<Record<string, unknown>>,
  finishReason: string | null,
): unknown {
  return chatCompletionChunk(id, model, nowSeconds(), { choices: [{ index: 0, delta, finish_reason: finishReason }] });
}

export function usageChunkBody(id: string, model: string, usage: Usage): unknown {
  return chatCompletionChunk(id, model, nowSeconds(), { choices: [], usage });
}

/** Reads an /embeddings body: {model, input: string | string[], dimensions?}. */
export function parseEmbeddingsBody(body: unknown): { model: string; inputs: string[]; dims?: number } | string {
  if (!isRecord(body) || !str(body.model)) return '"model" is required';
  const input = body.input;
  const inputs =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input) && input.every((s) => typeof s === 'string')
        ? (input as string[])
        : undefined;
  if (!inputs) return '"input" must be a string or a list of strings';
  const dims = num(body.dimensions);
  return {
    model: str(body.model)!,
    inputs,
    ...(dims !== undefined && dims >= 1 && dims <= 4096 ? { dims: Math.floor(dims) } : {}),
  };
}
