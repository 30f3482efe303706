import { z } from 'zod';
import type { ChatMessage, ContentPart } from '../../release/preprocess.js';
import { err, ok, type Result } from '../../kernel/result.js';
import type { RequestProblem } from './parse-request.js';

/**
 * POST /v1/responses, read as a chat completion: the Responses request is
 * translated to the chat request it means, so it takes the one serving path
 * (the release's preprocessing, prompt, routing and params) like any chat call.
 */

const part = z.looseObject({ type: z.string() });
const messageItem = z.looseObject({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(part)]),
});
const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});
const functionOutputItem = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(part)]),
});
const otherItem = z.looseObject({ type: z.string() });
const item = z.union([messageItem, functionCallItem, functionOutputItem, otherItem]);

const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const textFormat = z.union([
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1, '"model" (the route) is required'),
  input: z.union([z.string(), z.array(item)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function'), name: z.string() })])
    .nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({ format: textFormat.nullish() }).nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
  previous_response_id: z.string().nullish(),
  store: z.boolean().nullish(),
});

export type ResponsesRequest = z.output<typeof responsesRequestSchema>;

type Translated = Result<Record<string, unknown>, RequestProblem>;

const refuse = (message: string): Translated => err('invalid_request', message);

/** Input content parts as chat content parts: text and images; files are refused. */
function chatParts(parts: readonly z.output<typeof part>[]): ContentPart[] | string {
  const out: ContentPart[] = [];
  for (const p of parts) {
    if ((p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') && typeof p.text === 'string')
      out.push({ type: 'text', text: p.text });
    else if (p.type === 'input_image' && typeof p.image_url === 'string')
      out.push({ type: 'image_url', image_url: { url: p.image_url, ...(p.detail ? { detail: p.detail } : {}) } });
    else if (p.type === 'refusal' && typeof p.refusal === 'string') out.push({ type: 'text', text: p.refusal });
    else return `content part "${p.type}" is not supported (text and image URLs are)`;
  }
  return out;
}

/** Responses input items as chat messages; consecutive function calls become one assistant message. */
function chatMessages(input: ResponsesRequest['input']): ChatMessage[] | string {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const out: ChatMessage[] = [];
  for (const [i, it] of input.entries()) {
    const m = messageItem.safeParse(it);
    if (m.success) {
      const content = typeof m.data.content === 'string' ? m.data.content : chatParts(m.data.content);
      if (typeof content === 'string' && typeof m.data.content !== 'string') return `input.${i}: ${content}`;
      // A text-only assistant message stays a string: what chat upstreams expect.
      const flat =
        Array.isArray(content) && m.data.role === 'assistant'
          ? content.map((c) => (typeof c.text === 'string' ? c.text : '')).join('')
          : content;
      out.push({ role: m.data.role, content: flat });
      continue;
    }
    const call = functionCallItem.safeParse(it);
    if (call.success) {
      const tc = {
        id: call.data.call_id,
        type: 'function',
        function: { name: call.data.name, arguments: call.data.arguments },
      };
      const last = out[out.length - 1];
      if (last?.role === 'assistant' && Array.isArray(last.tool_calls) && last.content === null)
        last.tool_calls = [...last.tool_calls, tc];
      else out.push({ role: 'assistant', content: null, tool_calls: [tc] });
      continue;
    }
    const result = functionOutputItem.safeParse(it);
    if (result.success) {
      const o = result.data.output;
      const text = typeof o === 'string' ? o : o.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
      out.push({ role: 'tool', tool_call_id: result.data.call_id, content: text });
      continue;
    }
    const type = it.type;
    if (type === 'reasoning') continue;
    if (type === 'item_reference')
      return `input.${i}: item_reference needs stored responses, which Sluice does not keep: send the items themselves (AI SDK: providerOptions.openai.store = false)`;
    return `input.${i}: input item "${String(type)}" is not supported (messages, function_call and function_call_output are)`;
  }
  return out;
}

/** The chat completion request a Responses request means; what cannot be translated is a clear 400. */
export function toChatRequest(r: ResponsesRequest): Translated {
  if (r.previous_response_id)
    return refuse(
      'previous_response_id is not supported: Sluice does not store responses; send the whole conversation as "input"',
    );
  if (r.store === true)
    return refuse('store: true is not supported: Sluice does not store responses; send store: false');
  const messages = chatMessages(r.input);
  if (typeof messages === 'string') return refuse(messages);
  if (r.instructions) messages.unshift({ role: 'developer', content: r.instructions });
  let tools: unknown[] | undefined;
  if (r.tools?.length) {
    tools = [];
    for (const [i, t] of r.tools.entries()) {
      const f = functionTool.safeParse(t);
      if (!f.success) return refuse(`tools.${i}: only function tools are supported, not "${t.type}"`);
      tools.push({
        type: 'function',
        function: {
          name: f.data.name,
          ...(f.data.description ? { description: f.data.description } : {}),
          ...(f.data.parameters ? { parameters: f.data.parameters } : {}),
          ...(typeof f.data.strict === 'boolean' ? { strict: f.data.strict } : {}),
        },
      });
    }
  }
  const choice = r.tool_choice;
  const format = r.text?.format;
  const chat: Record<string, unknown> = {
    model: r.model,
    messages,
    stream: r.stream === true,
    ...(r.stream ? { stream_options: { include_usage: true } } : {}),
    ...(tools ? { tools } : {}),
    ...(choice
      ? { tool_choice: typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } } }
      : {}),
    ...(typeof r.parallel_tool_calls === 'boolean' && tools ? { parallel_tool_calls: r.parallel_tool_calls } : {}),
    ...(typeof r.temperature === 'number' ? { temperature: r.temperature } : {}),
    ...(typeof r.top_p === 'number' ? { top_p: r.top_p } : {}),
    ...(r.max_output_tokens ? { max_tokens: r.max_output_tokens } : {}),
    ...(r.metadata ? { metadata: r.metadata } : {}),
    ...(r.user ? { user: r.user } : {}),
  };
  if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    const { name, schema, description, strict } = format;
    chat.response_format = {
      type: 'json_schema',
      json_schema: {
        name,
        schema,
        ...(description ? { description } : {}),
        ...(typeof strict === 'boolean' ? { strict } : {}),
      },
    };
  }
  return ok(chat);
}
