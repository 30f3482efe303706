import { errorBodyText } from '../http/error-body.js';
import { at, defined, isRecord, str, tryParse } from '../http/json-access.js';
import { systemText } from '../../kernel/chat.js';
import { ProviderError, type ChatChunk, type ChatRequest, type ChatResult, type Usage } from '../model-provider.js';
import { checkedUsage, closingChunk, tokenCount } from '../usage.js';
import { outputFormat } from '../request-extras.js';
import { AnthropicToolStream, anthropicExtras, anthropicMessages, anthropicToolCalls } from './anthropic-tools.js';

export const ANTHROPIC_VERSION = '2023-06-01';
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;
const JSON_INSTRUCTION = 'Reply with a single JSON object and nothing else.';

const STOP_REASONS: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function anthropicFinish(reason: string | undefined): string {
  return reason === undefined ? 'stop' : (STOP_REASONS[reason] ?? reason);
}

/**
 * The Messages API body: system prompt on top, user/assistant turns (tool
 * calls and results as blocks), max_tokens always set, the request's tools and
 * output format in Anthropic's terms. A json_object request is asked for in the system prompt.
 */
export function anthropicBody(req: ChatRequest, stream: boolean): Record<string, unknown> {
  const p = req.params;
  const jsonObject = outputFormat(req.extra, req.json)?.type === 'json_object';
  const system = [systemText(req.messages), jsonObject ? JSON_INSTRUCTION : ''].filter(Boolean).join('\n\n');
  return defined({
    model: req.model,
    system: system || undefined,
    messages: anthropicMessages(req.messages),
    ...anthropicExtras(req),
    max_tokens: p.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    temperature: p.temperature,
    top_p: p.top_p,
    stop_sequences: p.stop,
    stream: stream || undefined,
  });
}

/** Anthropic counts cache reads and writes apart from input_tokens; all of them are prompt tokens. */
export function anthropicUsage(u: unknown, label: string, prompt?: number): Usage {
  const count = (field: string): number | undefined => tokenCount(at(u, field), field, label);
  const input =
    (count('input_tokens') ?? prompt ?? 0) +
    (count('cache_creation_input_tokens') ?? 0) +
    (count('cache_read_input_tokens') ?? 0);
  return checkedUsage(label, input, count('output_tokens'));
}

export function parseAnthropicMessage(value: unknown, label: string, requested: string): ChatResult {
  const content = at(value, 'content');
  if (!Array.isArray(content)) throw new ProviderError('malformed', `${label}: the answer has no content blocks`);
  const text = content.map((b: unknown) => (at(b, 'type') === 'text' ? (str(at(b, 'text')) ?? '') : '')).join('');
  const toolCalls = anthropicToolCalls(content);
  return {
    text,
    finishReason: anthropicFinish(str(at(value, 'stop_reason'))),
    ...(toolCalls ? { toolCalls } : {}),
    usage: anthropicUsage(at(value, 'usage'), label),
    model: str(at(value, 'model')) ?? requested,
  };
}

/** Anthropic's error body: {"type": "error", "error": {"type", "message"}}. */
export function describeAnthropicError(_status: number, body: string): string {
  return errorBodyText(body, 'type');
}

/** Follows a Messages API event stream: message_start → content_block_delta… → message_delta → message_stop. */
export class AnthropicStream {
  done = false;
  private inputTokens: number | undefined;
  private usage: Usage | undefined;
  private stopReason: string | undefined;
  private readonly tools = new AnthropicToolStream();

  constructor(private readonly label: string) {}

  accept(data: string): ChatChunk[] {
    const value = tryParse(data);
    if (!isRecord(value))
      throw new ProviderError('malformed', `${this.label}: a stream event is not JSON: ${data.slice(0, 120)}`);
    switch (value.type) {
      case 'message_start':
        this.inputTokens = anthropicUsage(at(value, 'message', 'usage'), this.label).prompt_tokens;
        return [];
      case 'content_block_start': {
        const toolCalls = this.tools.start(value);
        return toolCalls ? [{ delta: '', toolCalls }] : [];
      }
      case 'content_block_delta': {
        const toolCalls = this.tools.delta(value);
        if (toolCalls) return [{ delta: '', toolCalls }];
        const text = str(at(value, 'delta', 'text'));
        return text ? [{ delta: text }] : [];
      }
      case 'message_delta':
        this.stopReason = str(at(value, 'delta', 'stop_reason')) ?? this.stopReason;
        if (isRecord(value.usage)) this.usage = anthropicUsage(value.usage, this.label, this.inputTokens);
        return [];
      case 'message_stop':
        this.done = true;
        return [];
      case 'error':
        throw new ProviderError(
          'upstream_status',
          `${this.label}: error in stream: ${describeAnthropicError(0, data)}`,
        );
      default:
        return [];
    }
  }

  finish(): ChatChunk {
    if (!this.done && this.stopReason === undefined)
      throw new ProviderError('stream_cut', `${this.label}: the stream ended before message_stop`);
    return closingChunk(anthropicFinish(this.stopReason), this.usage);
  }
}
