import { z } from 'zod';
import type { ChatMessage } from '../../../release/preprocess.js';
import { count, type Plain, text } from './attribute-values.js';

/** What a GenAI span says happened: the conversation sent, the answer, and the facts around it. */
export interface GenAiExchange {
  readonly messages: ChatMessage[];
  readonly output: string;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** gen_ai.provider.name (or the older gen_ai.system) and the model: "provider/model". */
  readonly model?: string;
  readonly finishReason?: string;
  /** The span's error.type, when it failed. */
  readonly errorType?: string;
}

/** Why a span gives no exchange: it is no GenAI span at all, or it carries no prompt and answer. */
export type NoExchange = 'not-gen-ai' | 'no-content';

export interface SpanEventView {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, Plain>;
}

const partSchema = z.looseObject({
  type: z.string().optional(),
  content: z.unknown().optional(),
  text: z.unknown().optional(),
});
const messageSchema = z.looseObject({
  role: z.string().optional(),
  parts: z.array(partSchema).optional(),
  content: z.union([z.string(), z.array(partSchema), z.null()]).optional(),
  finish_reason: z.string().optional(),
});
const messagesSchema = z.array(messageSchema);
type Message = z.output<typeof messageSchema>;

/** The text of a message: its text parts (current conventions) or its content (OpenAI's shape), joined. */
function messageText(m: Message): string {
  const pieces: string[] = [];
  const take = (parts: readonly z.output<typeof partSchema>[]) => {
    for (const p of parts) {
      if (p.type !== undefined && p.type !== 'text' && p.type !== 'output_text' && p.type !== 'input_text') continue;
      if (typeof p.content === 'string') pieces.push(p.content);
      else if (typeof p.text === 'string') pieces.push(p.text);
    }
  };
  if (m.parts) take(m.parts);
  if (typeof m.content === 'string') pieces.push(m.content);
  else if (Array.isArray(m.content)) take(m.content);
  return pieces.join('');
}

/** Messages from an attribute: a JSON string or a structured list; undefined when it is neither. */
function messagesOf(v: Plain | undefined): Message[] | undefined {
  let value: unknown = v;
  if (typeof v === 'string') {
    try {
      value = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  const parsed = messagesSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function chat(messages: readonly Message[]): ChatMessage[] {
  return messages.map((m) => ({ role: m.role ?? 'user', content: messageText(m) }));
}

/** The conversation in a prompt value: a list of messages, else the text as one user message. */
function promptMessages(v: Plain | undefined): ChatMessage[] | undefined {
  const listed = messagesOf(v);
  if (listed && listed.length > 0) return chat(listed);
  const t = text(v);
  return t === undefined ? undefined : [{ role: 'user', content: t }];
}

/** The answer in a completion value: the text of its messages, else the text itself. */
function completionText(v: Plain | undefined): { text: string; finishReason?: string } | undefined {
  const listed = messagesOf(v);
  if (listed && listed.length > 0) {
    const reason = listed.find((m) => m.finish_reason !== undefined)?.finish_reason;
    return { text: listed.map(messageText).join(''), ...(reason !== undefined ? { finishReason: reason } : {}) };
  }
  const t = text(v);
  return t === undefined ? undefined : { text: t };
}

/** OpenLLMetry's indexed attributes: gen_ai.prompt.0.role, gen_ai.prompt.0.content, … */
function indexed(attrs: ReadonlyMap<string, Plain>, prefix: string): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let i = 0; ; i++) {
    const content = attrs.get(`${prefix}.${i}.content`);
    const role = attrs.get(`${prefix}.${i}.role`);
    if (content === undefined && role === undefined) return out;
    out.push({ role: typeof role === 'string' ? role : 'user', content: typeof content === 'string' ? content : '' });
  }
}

const MESSAGE_EVENTS: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

function firstString(...values: (Plain | undefined)[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v !== '') return v;
  return undefined;
}

/** Whether a span speaks the GenAI conventions: a gen_ai.* attribute or event. */
function isGenAi(attrs: ReadonlyMap<string, Plain>, events: readonly SpanEventView[]): boolean {
  for (const k of attrs.keys()) if (k.startsWith('gen_ai.')) return true;
  return events.some((e) => e.name.startsWith('gen_ai.'));
}

/**
 * The exchange a span carries under the GenAI semantic conventions, in the
 * forms instrumentations emit it, newest first:
 * - `gen_ai.input.messages` / `gen_ai.output.messages` (and `gen_ai.system_instructions`)
 *   as span attributes or on a `gen_ai.client.inference.operation.details` event;
 * - `gen_ai.prompt` / `gen_ai.completion` on the span or on `gen_ai.content.prompt` /
 *   `gen_ai.content.completion` events (a message list as JSON, or plain text);
 * - OpenLLMetry's `gen_ai.prompt.N.*` / `gen_ai.completion.N.*` attributes;
 * - one event per message (`gen_ai.user.message`, …, `gen_ai.choice`).
 */
export function genAiExchange(
  attrs: ReadonlyMap<string, Plain>,
  events: readonly SpanEventView[],
): GenAiExchange | NoExchange {
  if (!isGenAi(attrs, events)) return 'not-gen-ai';
  const event = (name: string) => events.find((e) => e.name === name)?.attributes;
  const details = event('gen_ai.client.inference.operation.details');
  const from = (key: string, eventName?: string): Plain | undefined =>
    attrs.get(key) ?? details?.get(key) ?? (eventName ? event(eventName)?.get(key) : undefined);

  let messages =
    promptMessages(from('gen_ai.input.messages')) ?? promptMessages(from('gen_ai.prompt', 'gen_ai.content.prompt'));
  if (!messages) {
    const listed = indexed(attrs, 'gen_ai.prompt');
    if (listed.length > 0) messages = listed;
  }
  if (!messages) {
    const listed = events
      .filter((e) => MESSAGE_EVENTS[e.name] !== undefined)
      .map((e) => ({ role: MESSAGE_EVENTS[e.name]!, content: firstString(e.attributes.get('content')) ?? '' }));
    if (listed.length > 0) messages = listed;
  }
  const system = from('gen_ai.system_instructions');
  if (messages && system !== undefined && !messages.some((m) => m.role === 'system')) {
    const listed = messagesOf(system);
    const instructions = listed ? listed.map(messageText).join('') : text(system);
    if (instructions) messages = [{ role: 'system', content: instructions }, ...messages];
  }

  let answer =
    completionText(from('gen_ai.output.messages')) ??
    completionText(from('gen_ai.completion', 'gen_ai.content.completion'));
  if (!answer) {
    const listed = indexed(attrs, 'gen_ai.completion');
    const reason = attrs.get('gen_ai.completion.0.finish_reason');
    if (listed.length > 0)
      answer = {
        text: listed.map((m) => m.content).join(''),
        ...(typeof reason === 'string' ? { finishReason: reason } : {}),
      };
  }
  if (!answer) {
    const choice = event('gen_ai.choice');
    const message = choice?.get('message');
    const content =
      firstString(choice?.get('content')) ??
      (message !== null && typeof message === 'object' && !Array.isArray(message)
        ? firstString(message.content)
        : firstString(message));
    const reason = choice?.get('finish_reason');
    if (content !== undefined)
      answer = { text: content, ...(typeof reason === 'string' ? { finishReason: reason } : {}) };
  }
  if (!messages || messages.length === 0 || !answer) return 'no-content';

  const reasons = attrs.get('gen_ai.response.finish_reasons');
  const finishReason = Array.isArray(reasons) && typeof reasons[0] === 'string' ? reasons[0] : answer.finishReason;
  const provider = firstString(attrs.get('gen_ai.provider.name'), attrs.get('gen_ai.system'));
  const modelName = firstString(attrs.get('gen_ai.response.model'), attrs.get('gen_ai.request.model'));
  const inputTokens = count(attrs.get('gen_ai.usage.input_tokens') ?? attrs.get('gen_ai.usage.prompt_tokens'));
  const outputTokens = count(attrs.get('gen_ai.usage.output_tokens') ?? attrs.get('gen_ai.usage.completion_tokens'));
  const errorType = firstString(attrs.get('error.type'));
  return {
    messages,
    output: answer.text,
    ...(inputTokens !== undefined ? { inputTokens } : {}),
    ...(outputTokens !== undefined ? { outputTokens } : {}),
    ...(modelName !== undefined ? { model: provider ? `${provider}/${modelName}` : modelName } : {}),
    ...(finishReason !== undefined ? { finishReason } : {}),
    ...(errorType !== undefined ? { errorType } : {}),
  };
}
