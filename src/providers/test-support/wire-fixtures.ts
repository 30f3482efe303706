import { AnthropicProvider } from '../anthropic/anthropic-provider.js';
import type { Clock } from '../../kernel/clock.js';
import { GeminiProvider } from '../gemini/gemini-provider.js';
import type { ModelProvider } from '../model-provider.js';
import { OpenAiCompatibleProvider } from '../openai/openai-compatible-provider.js';

export interface SseFrame {
  readonly event?: string;
  readonly data: unknown;
}

/** How one wire format answers, fails and streams, for tests that every adapter must pass. */
export interface WireFixture {
  readonly wire: string;
  make(baseUrl: string, opts: { clock: Clock; timeoutMs?: number; retries?: number }): ModelProvider;
  answer(text: string): unknown;
  error(status: number, message: string): unknown;
  /** A whole stream of `parts`, with the format's ending. */
  stream(parts: readonly string[]): SseFrame[];
  /** The same stream, cut before its ending. */
  cut(parts: readonly string[]): SseFrame[];
}

const openAiChunk = (content: string, finish: string | null = null) => ({
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

export const openAiFixture: WireFixture = {
  wire: 'openai-compatible',
  make: (url, o) => new OpenAiCompatibleProvider({ name: 'up', baseUrl: `${url}/v1`, ...o }),
  answer: (text) => ({
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  }),
  error: (_status, message) => ({ error: { message, type: 'server_error', code: null } }),
  stream: (parts) => [
    ...parts.map((p) => ({ data: openAiChunk(p) })),
    { data: openAiChunk('', 'stop') },
    { data: '[DONE]' },
  ],
  cut: (parts) => parts.map((p) => ({ data: openAiChunk(p) })),
};

const anthropicDelta = (text: string) => ({
  event: 'content_block_delta',
  data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
});
const anthropicStart = {
  event: 'message_start',
  data: {
    type: 'message_start',
    message: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 9, output_tokens: 1 } },
  },
};

export const anthropicFixture: WireFixture = {
  wire: 'anthropic',
  make: (url, o) => new AnthropicProvider({ name: 'claude', baseUrl: url, apiKey: 'ak-test', ...o }),
  answer: (text) => ({
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    usage: { input_tokens: 3, output_tokens: 2 },
  }),
  error: (status, message) => ({
    type: 'error',
    error: { type: status === 429 ? 'rate_limit_error' : 'api_error', message },
  }),
  stream: (parts) => [
    anthropicStart,
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    },
    ...parts.map(anthropicDelta),
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ],
  cut: (parts) => [anthropicStart, ...parts.map(anthropicDelta)],
};

const geminiChunk = (text: string, finish?: string) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, ...(finish ? { finishReason: finish } : {}) }],
  ...(finish ? { usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 6, totalTokenCount: 10 } } : {}),
  modelVersion: 'gemini-x',
});

export const geminiFixture: WireFixture = {
  wire: 'gemini',
  make: (url, o) => new GeminiProvider({ name: 'gem', baseUrl: url, apiKey: 'gk-test', ...o }),
  answer: (text) => ({ ...geminiChunk(text, 'STOP') }),
  error: (status, message) => ({
    error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' },
  }),
  stream: (parts) => parts.map((p, i) => ({ data: geminiChunk(p, i === parts.length - 1 ? 'STOP' : undefined) })),
  cut: (parts) => parts.map((p) => ({ data: geminiChunk(p) })),
};

export const WIRE_FIXTURES: readonly WireFixture[] = [openAiFixture, anthropicFixture, geminiFixture];
