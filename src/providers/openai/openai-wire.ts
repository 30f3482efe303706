import { at, bodySnippet, defined, isRecord, num, str, tryParse } from '../http/json-access.js';
import { ProviderError, type ChatChunk, type ChatRequest, type ChatResult, type Usage } from '../model-provider.js';
import { checkedUsage, closingChunk, NO_USAGE, tokenCount } from '../usage.js';
import { openAiToolCallDeltas, openAiToolCalls } from './openai-tool-calls.js';

export interface OpenAiBodyOptions {
  /** OpenAI's own API wants max_completion_tokens; compatible servers know max_tokens. */
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

/**
 * The /chat/completions request body for a ChatRequest: the client's other
 * fields as they came, then the params in force, then the stream flags.
 */
export function openAiChatBody(req: ChatRequest, stream: boolean, opts: OpenAiBodyOptions): Record<string, unknown> {
  const p = req.params;
  return defined({
    model: req.model,
    messages: req.messages,
    ...req.extra,
    temperature: p.temperature,
    top_p: p.top_p,
    [opts.maxTokensField]: p.max_tokens,
    seed: p.seed,
    stop: p.stop,
    presence_penalty: p.presence_penalty,
    frequency_penalty: p.frequency_penalty,
    ...(req.json && req.extra?.response_format === undefined ? { response_format: { type: 'json_object' } } : {}),
    stream: stream || undefined,
    stream_options: stream ? { include_usage: true } : undefined,
  });
}

export function openAiUsage(v: unknown, label: string): Usage | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) throw new ProviderError('malformed', `${label}: usage is not an object`);
  return checkedUsage(
    label,
    tokenCount(v.prompt_tokens, 'prompt_tokens', label),
    tokenCount(v.completion_tokens, 'completion_tokens', label),
    tokenCount(v.total_tokens, 'total_tokens', label),
  );
}

/** A non-streaming /chat/completions answer; no choices or no message is 'malformed'. */
export function parseOpenAiChat(value: unknown, label: string, requested: string): ChatResult {
  const choice = at(value, 'choices', 0);
  const message = at(choice, 'message');
  if (!isRecord(message)) throw new ProviderError('malformed', `${label}: the answer has no choices[0].message`);
  const toolCalls = openAiToolCalls(message.tool_calls, label);
  const logprobs = at(choice, 'logprobs');
  const choices = at(value, 'choices');
  const more = Array.isArray(choices) && choices.length > 1 ? choices.slice(1) : undefined;
  return {
    ...(logprobs !== undefined && logprobs !== null ? { logprobs } : {}),
    ...(more ? { moreChoices: more } : {}),
    text: str(message.content) ?? '',
    finishReason: str(at(choice, 'finish_reason')) ?? 'stop',
    ...(toolCalls ? { toolCalls } : {}),
    usage: openAiUsage(at(value, 'usage'), label) ?? NO_USAGE,
    model: str(at(value, 'model')) ?? requested,
  };
}

/** OpenAI's error body: {"error": {"message", "type", "code"}}. */
export function describeOpenAiError(_status: number, body: string): string {
  const err = at(tryParse(body), 'error');
  const message = str(at(err, 'message')) ?? (typeof err === 'string' ? err : undefined);
  if (message === undefined) return bodySnippet(body);
  const type = str(at(err, 'type')) ?? str(at(err, 'code'));
  return type ? `${message} (${type})` : message;
}

/** Follows a /chat/completions SSE stream: deltas, the finish reason, the final usage, and `[DONE]`. */
export class OpenAiStream {
  done = false;
  private finishReason: string | undefined;
  private usage: Usage | undefined;

  constructor(private readonly label: string) {}

  accept(data: string): ChatChunk[] {
    if (data.trim() === '[DONE]') {
      this.done = true;
      return [];
    }
    const value = tryParse(data);
    if (!isRecord(value))
      throw new ProviderError('malformed', `${this.label}: a stream event is not JSON: ${data.slice(0, 120)}`);
    if (value.error !== undefined) {
      throw new ProviderError('upstream_status', `${this.label}: error in stream: ${describeOpenAiError(0, data)}`);
    }
    this.usage = openAiUsage(value.usage, this.label) ?? this.usage;
    const choices = value.choices;
    if (!Array.isArray(choices)) throw new ProviderError('malformed', `${this.label}: a stream event has no choices`);
    const out: ChatChunk[] = [];
    // With n > 1 the other choices stream beside the first: passed on as the upstream wrote them.
    let choice: unknown;
    let others: unknown[] | undefined;
    for (const c of choices as unknown[]) {
      const index = num(at(c, 'index')) ?? 0;
      if (index === 0) choice = c;
      else {
        others ??= [];
        others.push(c);
      }
    }
    if (others) out.push({ delta: '', otherChoices: others });
    const delta = str(at(choice, 'delta', 'content'));
    const toolCalls = openAiToolCallDeltas(at(choice, 'delta', 'tool_calls'));
    if (toolCalls) out.push({ delta: delta ?? '', toolCalls });
    else if (delta) out.push({ delta });
    this.finishReason = str(at(choice, 'finish_reason')) ?? this.finishReason;
    return out;
  }

  /** The closing chunk; a stream that ended with neither [DONE] nor a finish reason was cut. */
  finish(): ChatChunk {
    if (!this.done && this.finishReason === undefined) {
      throw new ProviderError('stream_cut', `${this.label}: the stream ended before [DONE]`);
    }
    return closingChunk(this.finishReason ?? 'stop', this.usage);
  }
}

/** A /embeddings answer: the vectors in input order. */
export function parseOpenAiEmbeddings(value: unknown, label: string, count: number): number[][] {
  const data = at(value, 'data');
  if (!Array.isArray(data) || data.length !== count)
    throw new ProviderError('malformed', `${label}: expected ${count} embeddings`);
  const out: number[][] = new Array<number[]>(count);
  data.forEach((item: unknown, i) => {
    const index = num(at(item, 'index')) ?? i;
    const vec = at(item, 'embedding');
    if (!Array.isArray(vec) || !vec.every((x) => typeof x === 'number'))
      throw new ProviderError('malformed', `${label}: embedding ${i} is not a list of numbers`);
    out[index] = vec as number[];
  });
  for (let i = 0; i < count; i++)
    if (out[i] === undefined)
      throw new ProviderError('malformed', `${label}: embedding indexes do not cover the inputs`);
  return out;
}
