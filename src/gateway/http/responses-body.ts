import type { ToolCall } from '../../kernel/tool-calls.js';
import type { Usage } from '../../providers/model-provider.js';
import type { ResponsesRequest } from './responses-request.js';

export interface ResponseIds {
  /** resp_<request id>: the response; msg_… and fc_… items derive from it. */
  readonly id: string;
  readonly route: string;
  readonly created: number;
}

export const messageId = (ids: ResponseIds): string => `msg_${ids.id.slice('resp_'.length)}`;
export const callItemId = (ids: ResponseIds, i: number): string => `fc_${ids.id.slice('resp_'.length)}_${i}`;

export function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function messageItem(
  ids: ResponseIds,
  text: string,
  status: 'in_progress' | 'completed',
): Record<string, unknown> {
  return {
    type: 'message',
    id: messageId(ids),
    status,
    role: 'assistant',
    content: status === 'completed' ? [outputText(text)] : [],
  };
}

export function callItem(
  ids: ResponseIds,
  i: number,
  call: ToolCall,
  status: 'in_progress' | 'completed',
): Record<string, unknown> {
  return {
    type: 'function_call',
    id: callItemId(ids, i),
    call_id: call.id,
    name: call.function.name,
    arguments: status === 'completed' ? call.function.arguments : '',
    status,
  };
}

export function responsesUsage(u: Usage | undefined): Record<string, unknown> | null {
  if (!u) return null;
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.total_tokens,
  };
}

/** The chat finish reason as a Responses status: a cut answer is "incomplete", with the reason. */
function status(finishReason: string): { status: string; incomplete_details: unknown } {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter')
    return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

export interface ResponseState {
  readonly status?: 'in_progress';
  readonly output: readonly unknown[];
  readonly finishReason?: string;
  readonly usage?: Usage;
}

/** The `response` object: the request's own settings echoed, the output items, usage. */
export function responseBody(ids: ResponseIds, req: ResponsesRequest, s: ResponseState): Record<string, unknown> {
  const done =
    s.status === 'in_progress' ? { status: 'in_progress', incomplete_details: null } : status(s.finishReason ?? 'stop');
  return {
    id: ids.id,
    object: 'response',
    created_at: ids.created,
    ...done,
    error: null,
    model: ids.route,
    instructions: req.instructions ?? null,
    output: s.output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: null,
    store: false,
    temperature: req.temperature ?? null,
    top_p: req.top_p ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    text: { format: req.text?.format ?? { type: 'text' } },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    truncation: 'disabled',
    usage: responsesUsage(s.usage),
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

/** The output items of a whole answer: its text as one message (when there is text), then its function calls. */
export function outputItems(ids: ResponseIds, text: string, calls: readonly ToolCall[]): unknown[] {
  const out: unknown[] = [];
  if (text || calls.length === 0) out.push(messageItem(ids, text, 'completed'));
  for (const [i, c] of calls.entries()) out.push(callItem(ids, i, c, 'completed'));
  return out;
}
