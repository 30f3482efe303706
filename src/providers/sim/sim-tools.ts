import { createHash } from 'node:crypto';
import { lastUserText } from '../../kernel/chat.js';
import type { ToolCall } from '../../kernel/tool-calls.js';
import type { ChatMessage } from '../../release/preprocess.js';
import { at, isRecord, str } from '../http/json-access.js';
import { type FunctionTool, functionTools, outputFormat, type ToolChoice, toolChoice } from '../request-extras.js';

/**
 * How the simulated models use tools and schemas. Offered tools, a model
 * calls one when the request requires it (tool_choice "required" or a named
 * function) or, under "auto", when the user's last message names what the
 * tool is about (a word of its name other than a verb like get or lookup).
 * After a tool result it answers in text. Arguments, and answers to a
 * json_schema response_format, are the simplest instance of the schema,
 * strings taken from the user's words.
 */

export interface SimTools {
  readonly tools?: readonly FunctionTool[];
  readonly toolChoice?: ToolChoice;
  /** response_format json_schema: the schema the answer follows. */
  readonly schema?: Readonly<Record<string, unknown>>;
}

/** Reads the tools, tool_choice and response-format schema of a request's OpenAI fields. */
export function simTools(extra: Readonly<Record<string, unknown>> | undefined): SimTools {
  if (!extra) return {};
  const tools = functionTools(extra);
  const choice = toolChoice(extra);
  const format = outputFormat(extra);
  return {
    ...(tools ? { tools } : {}),
    ...(choice ? { toolChoice: choice } : {}),
    ...(format?.type === 'json_schema' ? { schema: format.schema } : {}),
  };
}

const VERBS = new Set(['get', 'set', 'lookup', 'look', 'up', 'find', 'fetch', 'search', 'list', 'create', 'do', 'run']);

function topicWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2 && !VERBS.has(w));
}

/** The tool a model calls for this conversation, if any. */
function chosenTool(messages: readonly ChatMessage[], t: SimTools): FunctionTool | undefined {
  const tools = t.tools;
  if (!tools || t.toolChoice?.mode === 'none') return undefined;
  if (messages.at(-1)?.role === 'tool') return undefined;
  if (t.toolChoice?.mode === 'function') {
    const name = t.toolChoice.name;
    return tools.find((x) => x.name === name);
  }
  if (t.toolChoice?.mode === 'required') return tools[0];
  const words = new Set(
    lastUserText(messages)
      .toLowerCase()
      .split(/[^a-z0-9]+/),
  );
  return tools.find((x) => topicWords(x.name).some((w) => words.has(w) || words.has(`${w}s`)));
}

/** `{tools}` for a SimRequest when the request offers tools or a schema; `{}` otherwise. */
export function withTools(t: SimTools): { tools?: SimTools } {
  return t.tools || t.schema ? { tools: t } : {};
}

/** The word a string field takes: the user's last capitalized word after the first, else their last word. */
function stringValue(text: string): string {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  const named = words.slice(1).filter((w) => /^\p{Lu}/u.test(w));
  return named.at(-1) ?? words.at(-1) ?? 'value';
}

/** The simplest instance of a JSON Schema: required properties (all, when none are marked), first enum values. */
export function schemaInstance(schema: unknown, text: string, depth = 0): unknown {
  if (!isRecord(schema) || depth > 8) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const options = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(options) && options.length) return schemaInstance(options[0], text, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return stringValue(text);
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'array':
      return typeof schema.minItems === 'number' && schema.minItems > 0
        ? Array.from({ length: schema.minItems }, () => schemaInstance(schema.items, text, depth + 1))
        : [];
    case 'null':
      return null;
    default: {
      const props = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((k) => typeof k === 'string') : [];
      const keys = required.length ? required : Object.keys(props);
      const out: Record<string, unknown> = {};
      for (const k of keys) out[k] = schemaInstance(props[k], text, depth + 1);
      return out;
    }
  }
}

/** The tool call a simulated model makes for this conversation, or undefined when it answers in text. */
export function simToolCall(messages: readonly ChatMessage[], t: SimTools): ToolCall | undefined {
  const tool = chosenTool(messages, t);
  if (!tool) return undefined;
  const text = lastUserText(messages);
  const args = JSON.stringify(schemaInstance(tool.parameters ?? { type: 'object' }, text));
  const id = `call_${createHash('sha256').update(`${tool.name}\0${args}\0${messages.length}`).digest('hex').slice(0, 12)}`;
  return { id, type: 'function', function: { name: tool.name, arguments: args } };
}

/** The answer to a json_schema response_format: the schema's simplest instance, as JSON. */
export function simSchemaAnswer(messages: readonly ChatMessage[], schema: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(schemaInstance(schema, lastUserText(messages)));
}

/** The tool result a conversation ends with, as text ('' when it does not end with one). */
export function lastToolResult(messages: readonly ChatMessage[]): string {
  const m = messages.at(-1);
  return m?.role === 'tool'
    ? typeof m.content === 'string'
      ? m.content
      : (str(at(m, 'content', 0, 'text')) ?? '')
    : '';
}
