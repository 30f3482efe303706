import { messageText } from '../../kernel/chat.js';
import type { ToolCall } from '../../kernel/tool-calls.js';
import type { ChatMessage } from '../../release/preprocess.js';
import { at, defined, isRecord, str, tryParse } from '../http/json-access.js';
import type { ChatRequest } from '../model-provider.js';
import {
  argumentsObject,
  calledFunctionNames,
  functionTools,
  keptFields,
  notMapped,
  outputFormat,
  toolChoice,
} from '../request-extras.js';

/**
 * OpenAI's tools, tool calls, tool results and response_format in Gemini's
 * terms: functionDeclarations, functionCall and functionResponse parts,
 * toolConfig.functionCallingConfig, responseMimeType with responseJsonSchema.
 */

type Part = Record<string, unknown>;
type Content = { role: 'user' | 'model'; parts: Part[] };

/** A tool result as a functionResponse's `response` object: a JSON object as it is, anything else as {content}. */
function responseObject(text: string): Record<string, unknown> {
  const v = tryParse(text);
  return isRecord(v) ? v : { content: text };
}

function content(m: ChatMessage, names: ReadonlyMap<string, string>): Content {
  const text = messageText(m);
  if (m.role === 'tool') {
    const id = str(m.tool_call_id);
    const name = (id !== undefined ? names.get(id) : undefined) ?? str(m.name) ?? '';
    return { role: 'user', parts: [{ functionResponse: defined({ id, name, response: responseObject(text) }) }] };
  }
  if (m.role !== 'assistant') return { role: 'user', parts: [{ text }] };
  const calls = Array.isArray(m.tool_calls) ? m.tool_calls : [];
  const parts: Part[] = text || calls.length === 0 ? [{ text }] : [];
  for (const c of calls)
    parts.push({
      functionCall: defined({
        id: str(at(c, 'id')),
        name: str(at(c, 'function', 'name')) ?? '',
        args: argumentsObject(str(at(c, 'function', 'arguments')) ?? ''),
      }),
    });
  return { role: 'model', parts };
}

/** The conversation as contents; function responses in a row go in one turn, as Gemini wants them. */
export function geminiContents(messages: readonly ChatMessage[]): Content[] {
  const names = calledFunctionNames(messages);
  const out: Content[] = [];
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') continue;
    const c = content(m, names);
    const last = out.at(-1);
    if (m.role === 'tool' && last?.role === 'user' && last.parts.every((p) => p.functionResponse !== undefined))
      last.parts.push(...c.parts);
    else out.push(c);
  }
  return out;
}

/** OpenAI fields with no Gemini equivalent here: left out. Fields Sluice does not know pass as they came. */
const NOT_MAPPED: ReadonlySet<string> = notMapped('service_tier', 'functions', 'function_call');

const MODES = { none: 'NONE', auto: 'AUTO', required: 'ANY' } as const;

/** The request's own fields for the generateContent body: tools, toolConfig, vendor fields. */
export function geminiExtras(req: ChatRequest): Record<string, unknown> {
  const extra = req.extra;
  if (!extra) return {};
  const out = keptFields(extra, NOT_MAPPED);
  const tools = functionTools(extra);
  if (tools)
    out.tools = [
      {
        functionDeclarations: tools.map((t) =>
          defined({ name: t.name, description: t.description, parametersJsonSchema: t.parameters }),
        ),
      },
    ];
  const choice = toolChoice(extra);
  if (choice)
    out.toolConfig = {
      functionCallingConfig:
        choice.mode === 'function'
          ? { mode: 'ANY', allowedFunctionNames: [choice.name] }
          : { mode: MODES[choice.mode] },
    };
  return out;
}

/** generationConfig's output fields: JSON out for json_object, and the schema for json_schema. */
export function geminiOutputConfig(req: ChatRequest): Record<string, unknown> {
  const format = outputFormat(req.extra, req.json);
  if (!format) return {};
  return format.type === 'json_schema'
    ? { responseMimeType: 'application/json', responseJsonSchema: format.schema }
    : { responseMimeType: 'application/json' };
}

/** The functionCall parts of a candidate as OpenAI tool calls, numbered from `first`. */
export function geminiToolCalls(candidate: unknown, first = 0): ToolCall[] | undefined {
  const parts = at(candidate, 'content', 'parts');
  if (!Array.isArray(parts)) return undefined;
  const calls: ToolCall[] = [];
  for (const p of parts) {
    const fc = at(p, 'functionCall');
    if (!isRecord(fc)) continue;
    calls.push({
      id: str(fc.id) ?? `call_${first + calls.length}`,
      type: 'function',
      function: { name: str(fc.name) ?? '', arguments: JSON.stringify(fc.args ?? {}) },
    });
  }
  return calls.length ? calls : undefined;
}
