import type { ChatMessage } from '../release/preprocess.js';
import { at, isRecord, str, tryParse } from './http/json-access.js';

/**
 * Readers of a ChatRequest's pass-through fields (OpenAI's vocabulary, types
 * checked by the gateway) for the adapters that translate them: Anthropic, Gemini.
 */

/** OpenAI request fields that neither the Messages API nor Gemini has: the adapters leave them out. */
const OPENAI_ONLY_FIELDS: readonly string[] = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'user',
  'n',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'reasoning_effort',
  'store',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
  'verbosity',
  'prompt_cache_key',
  'safety_identifier',
];

/** The fields an adapter leaves out: the OpenAI-only ones and its own `more`. */
export function notMapped(...more: string[]): ReadonlySet<string> {
  return new Set([...OPENAI_ONLY_FIELDS, ...more]);
}

/** The request's pass-through fields, less those in `notMapped`, as they came. */
export function keptFields(
  extra: Readonly<Record<string, unknown>>,
  notMapped: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in extra) if (!notMapped.has(k)) out[k] = extra[k];
  return out;
}

export interface FunctionTool {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly strict?: boolean;
}

/** The function tools offered (custom tools have no equivalent elsewhere and are left out). */
export function functionTools(extra: Readonly<Record<string, unknown>> | undefined): FunctionTool[] | undefined {
  const tools = extra?.tools;
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const out: FunctionTool[] = [];
  for (const t of tools) {
    const fn = at(t, 'function');
    const name = str(at(fn, 'name'));
    if (!isRecord(fn) || name === undefined) continue;
    const description = str(fn.description);
    out.push({
      name,
      ...(description !== undefined ? { description } : {}),
      ...(isRecord(fn.parameters) ? { parameters: fn.parameters } : {}),
      ...(fn.strict === true ? { strict: true } : {}),
    });
  }
  return out.length ? out : undefined;
}

/** tool_choice read as one of: none, auto, required, or a named function. */
export type ToolChoice =
  | { readonly mode: 'none' | 'auto' | 'required' }
  | { readonly mode: 'function'; readonly name: string };

export function toolChoice(extra: Readonly<Record<string, unknown>> | undefined): ToolChoice | undefined {
  const c = extra?.tool_choice;
  if (c === 'none' || c === 'auto' || c === 'required') return { mode: c };
  const name = str(at(c, 'function', 'name'));
  return name !== undefined ? { mode: 'function', name } : undefined;
}

/** response_format read as json_object, or json_schema with its schema. */
export type OutputFormat =
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly name: string; readonly schema: Readonly<Record<string, unknown>> };

export function outputFormat(
  extra: Readonly<Record<string, unknown>> | undefined,
  json = false,
): OutputFormat | undefined {
  const f = extra?.response_format;
  const type = at(f, 'type');
  if (type === 'json_schema') {
    const schema = at(f, 'json_schema', 'schema');
    return {
      type,
      name: str(at(f, 'json_schema', 'name')) ?? 'response',
      schema: isRecord(schema) ? schema : { type: 'object' },
    };
  }
  return type === 'json_object' || json ? { type: 'json_object' } : undefined;
}

/** A tool call's arguments as an object: the JSON text parsed, `{}` when it is not a JSON object. */
export function argumentsObject(text: string): Record<string, unknown> {
  const v = tryParse(text);
  return isRecord(v) ? v : {};
}

/** The name of the function a tool message answers, from the assistant message that made the call. */
export function calledFunctionNames(messages: readonly ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role !== 'assistant' || !Array.isArray(m.tool_calls)) continue;
    for (const c of m.tool_calls) {
      const id = str(at(c, 'id'));
      const name = str(at(c, 'function', 'name'));
      if (id !== undefined && name !== undefined) names.set(id, name);
    }
  }
  return names;
}
