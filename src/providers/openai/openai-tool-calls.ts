import type { ToolCall, ToolCallDelta } from '../../kernel/tool-calls.js';
import { at, isRecord, num, str } from '../http/json-access.js';

/** Arguments as OpenAI sends them: a JSON text (an upstream that sends an object gets it written as one). */
function argumentsText(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A message's `tool_calls`, kept as the upstream wrote them (arguments that are not JSON included); undefined when none. */
export function openAiToolCalls(v: unknown, label: string): ToolCall[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  return v.map((c: unknown, i) => ({
    id: str(at(c, 'id')) ?? `call_${label}_${i}`,
    type: 'function' as const,
    function: {
      name: str(at(c, 'function', 'name')) ?? '',
      arguments: argumentsText(at(c, 'function', 'arguments')) ?? '',
    },
  }));
}

/** A stream delta's `tool_calls` pieces; undefined when it has none. */
export function openAiToolCallDeltas(v: unknown): ToolCallDelta[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: ToolCallDelta[] = [];
  v.forEach((c: unknown, i) => {
    if (!isRecord(c)) return;
    const fn = c.function;
    const name = str(at(fn, 'name'));
    const args = argumentsText(at(fn, 'arguments'));
    const id = str(c.id);
    out.push({
      index: num(c.index) ?? i,
      ...(id ? { id, type: 'function' as const } : {}),
      ...(isRecord(fn)
        ? { function: { ...(name ? { name } : {}), ...(args !== undefined ? { arguments: args } : {}) } }
        : {}),
    });
  });
  return out.length ? out : undefined;
}
