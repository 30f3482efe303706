import { errorBodyText } from '../http/error-body.js';
import { at, defined, isRecord, str, tryParse } from '../http/json-access.js';
import { systemText } from '../../kernel/chat.js';
import { wholeCallDelta } from '../../kernel/tool-calls.js';
import { ProviderError, type ChatChunk, type ChatRequest, type ChatResult, type Usage } from '../model-provider.js';
import { checkedUsage, closingChunk, tokenCount, usageOf } from '../usage.js';
import { geminiContents, geminiExtras, geminiOutputConfig, geminiToolCalls } from './gemini-tools.js';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

export function geminiFinish(reason: string | undefined): string {
  if (reason === undefined || reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  return FILTERED.has(reason) ? 'content_filter' : reason.toLowerCase();
}

/** The generateContent body: user/model turns (function calls and responses as parts), systemInstruction, generationConfig. */
export function geminiBody(req: ChatRequest): Record<string, unknown> {
  const p = req.params;
  const system = systemText(req.messages);
  const contents = geminiContents(req.messages);
  const generationConfig = defined({
    temperature: p.temperature,
    topP: p.top_p,
    maxOutputTokens: p.max_tokens,
    stopSequences: p.stop,
    seed: p.seed,
    presencePenalty: p.presence_penalty,
    frequencyPenalty: p.frequency_penalty,
    ...geminiOutputConfig(req),
  });
  return defined({
    contents,
    systemInstruction: system ? { parts: [{ text: system }] } : undefined,
    ...geminiExtras(req),
    generationConfig: Object.keys(generationConfig).length ? generationConfig : undefined,
  });
}

export function geminiUsage(u: unknown, label: string): Usage | undefined {
  if (u === undefined || u === null) return undefined;
  if (!isRecord(u)) throw new ProviderError('malformed', `${label}: usageMetadata is not an object`);
  return checkedUsage(
    label,
    tokenCount(u.promptTokenCount, 'promptTokenCount', label),
    tokenCount(u.candidatesTokenCount, 'candidatesTokenCount', label),
    tokenCount(u.totalTokenCount, 'totalTokenCount', label),
  );
}

function candidateText(candidate: unknown): string {
  const parts = at(candidate, 'content', 'parts');
  return Array.isArray(parts)
    ? parts.map((p: unknown) => (at(p, 'thought') === true ? '' : (str(at(p, 'text')) ?? ''))).join('')
    : '';
}

/** A generateContent answer. A prompt blocked before any candidate is an empty, filtered answer. */
export function parseGeminiResponse(value: unknown, label: string, requested: string): ChatResult {
  const candidate = at(value, 'candidates', 0);
  const usage = geminiUsage(at(value, 'usageMetadata'), label) ?? usageOf(0, 0);
  const model = str(at(value, 'modelVersion')) ?? requested;
  if (!isRecord(candidate)) {
    if (str(at(value, 'promptFeedback', 'blockReason')))
      return { text: '', finishReason: 'content_filter', usage, model };
    throw new ProviderError('malformed', `${label}: the answer has no candidates`);
  }
  const toolCalls = geminiToolCalls(candidate);
  const finishReason = geminiFinish(str(candidate.finishReason));
  return toolCalls
    ? {
        text: candidateText(candidate),
        finishReason: finishReason === 'stop' ? 'tool_calls' : finishReason,
        toolCalls,
        usage,
        model,
      }
    : { text: candidateText(candidate), finishReason, usage, model };
}

/** Google's error body: {"error": {"code", "message", "status"}}. */
export function describeGeminiError(_status: number, body: string): string {
  return errorBodyText(body, 'status');
}

/** Follows a streamGenerateContent?alt=sse stream: each event a partial response; the last carries finishReason. */
export class GeminiStream {
  private finishReason: string | undefined;
  private usage: Usage | undefined;
  private calls = 0;

  constructor(private readonly label: string) {}

  get done(): boolean {
    return this.finishReason !== undefined;
  }

  accept(data: string): ChatChunk[] {
    const value = tryParse(data);
    if (!isRecord(value))
      throw new ProviderError('malformed', `${this.label}: a stream event is not JSON: ${data.slice(0, 120)}`);
    if (value.error !== undefined)
      throw new ProviderError('upstream_status', `${this.label}: error in stream: ${describeGeminiError(0, data)}`);
    this.usage = geminiUsage(value.usageMetadata, this.label) ?? this.usage;
    const candidate = at(value, 'candidates', 0);
    if (!isRecord(candidate) && str(at(value, 'promptFeedback', 'blockReason'))) this.finishReason = 'SAFETY';
    const text = candidateText(candidate);
    this.finishReason = str(at(candidate, 'finishReason')) ?? this.finishReason;
    // Gemini sends a function call whole, in one event: one delta carries it.
    const calls = geminiToolCalls(candidate, this.calls);
    if (!calls) return text ? [{ delta: text }] : [];
    const toolCalls = calls.map((c, i) => wholeCallDelta(this.calls + i, c));
    this.calls += calls.length;
    return [{ delta: text, toolCalls }];
  }

  finish(): ChatChunk {
    if (this.finishReason === undefined)
      throw new ProviderError('stream_cut', `${this.label}: the stream ended before a finishReason`);
    const reason = geminiFinish(this.finishReason);
    return closingChunk(this.calls > 0 && reason === 'stop' ? 'tool_calls' : reason, this.usage);
  }
}
