import { messageText } from '../../kernel/chat.js';
import type { ToolCall, ToolCallDelta } from '../../kernel/tool-calls.js';
import type { ChatMessage } from '../../release/preprocess.js';
import { at, defined, isRecord, num, str } from '../http/json-access.js';
import type { ChatRequest } from '../model-provider.js';
import { argumentsObject, functionTools, keptFields, notMapped, outputFormat, toolChoice } from '../request-extras.js';

/**
 * OpenAI's tools, tool calls, tool results and response_format in the Messages
 * API's own terms: tools with input_schema, tool_use and tool_result blocks,
 * tool_choice auto/any/none/tool, output_config.format for a JSON Schema.
 */

type Block = Record<string, unknown>;
type Turn = { role: 'user' | 'assistant'; content: string | Block[] };

const blocks = (c: string | Block[]): Block[] => (typeof c === 'string' ? (c ? [{ type: 'text', text: c }] : []) : c);

function turn(m: ChatMessage): Turn {
  if (m.role === 'tool')
    return {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: str(m.tool_call_id) ?? '', content: messageText(m) }],
    };
  const text = messageText(m);
  if (m.role !== 'assistant' || !Array.isArray(m.tool_calls) || m.tool_calls.length === 0)
    return { role: m.role === 'assistant' ? 'assistant' : 'user', content: text };
  const uses = m.tool_calls.map((c: unknown) => ({
    type: 'tool_use',
    id: str(at(c, 'id')) ?? '',
    name: str(at(c, 'function', 'name')) ?? '',
    input: argumentsObject(str(at(c, 'function', 'arguments')) ?? ''),
  }));
  return { role: 'assistant', content: [...blocks(text), ...uses] };
}

/** The conversation as Messages API turns; turns of one role in a row (tool results) become one turn. */
export function anthropicMessages(messages: readonly ChatMessage[]): Turn[] {
  const out: Turn[] = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') continue;
    const t = turn(m);
    const last = out.at(-1);
    if (last && last.role === t.role && (typeof t.content !== 'string' || typeof last.content !== 'string'))
      last.content = [...blocks(last.content), ...blocks(t.content)];
    else out.push(t);
  }
  return out;
}

/** OpenAI fields with no Messages API equivalent: left out. Fields Sluice does not know pass as they came. */
const NOT_MAPPED: ReadonlySet<string> = notMapped('functions', 'function_call');

/** The request's own fields for the Messages API body: tools, tool_choice, output_config, metadata, vendor fields. */
export function anthropicExtras(req: ChatRequest): Record<string, unknown> {
  const extra = req.extra;
  if (!extra) return {};
  const out = keptFields(extra, NOT_MAPPED);
  const tools = functionTools(extra);
  if (tools)
    out.tools = tools.map((t) =>
      defined({
        name: t.name,
        description: t.description,
        input_schema: t.parameters ?? { type: 'object' },
        strict: t.strict,
      }),
    );
  const choice = toolChoice(extra);
  const serial = extra.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice?.mode === 'none') out.tool_choice = { type: 'none' };
  else if (choice?.mode === 'required') out.tool_choice = { type: 'any', ...serial };
  else if (choice?.mode === 'function') out.tool_choice = { type: 'tool', name: choice.name, ...serial };
  else if (tools && extra.parallel_tool_calls === false) out.tool_choice = { type: 'auto', ...serial };
  const format = outputFormat(extra);
  if (format?.type === 'json_schema') out.output_config = { format: { type: 'json_schema', schema: format.schema } };
  const user = str(extra.user);
  if (user !== undefined && out.metadata === undefined) out.metadata = { user_id: user };
  return out;
}

/** The tool_use blocks of an answer as OpenAI tool calls. */
export function anthropicToolCalls(content: readonly unknown[]): ToolCall[] | undefined {
  const calls: ToolCall[] = [];
  for (const b of content) {
    if (at(b, 'type') !== 'tool_use') continue;
    calls.push({
      id: str(at(b, 'id')) ?? `toolu_${calls.length}`,
      type: 'function',
      function: { name: str(at(b, 'name')) ?? '', arguments: JSON.stringify(at(b, 'input') ?? {}) },
    });
  }
  return calls.length ? calls : undefined;
}

/**
 * Follows tool_use blocks through a stream: content_block_start names the
 * call, input_json_delta pieces carry its arguments; each becomes an OpenAI
 * tool-call delta with the call's index among the answer's calls.
 */
export class AnthropicToolStream {
  private readonly indexOfBlock = new Map<number, number>();

  start(value: Record<string, unknown>): ToolCallDelta[] | undefined {
    const block = value.content_block;
    if (at(block, 'type') !== 'tool_use') return undefined;
    const index = this.indexOfBlock.size;
    this.indexOfBlock.set(num(value.index) ?? index, index);
    const input = at(block, 'input');
    const args = isRecord(input) && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
    return [
      {
        index,
        id: str(at(block, 'id')) ?? `toolu_${index}`,
        type: 'function',
        function: { name: str(at(block, 'name')) ?? '', arguments: args },
      },
    ];
  }

  delta(value: Record<string, unknown>): ToolCallDelta[] | undefined {
    if (at(value, 'delta', 'type') !== 'input_json_delta') return undefined;
    const index = this.indexOfBlock.get(num(value.index) ?? -1);
    const piece = str(at(value, 'delta', 'partial_json'));
    if (index === undefined || !piece) return undefined;
    return [{ index, function: { arguments: piece } }];
  }
}
