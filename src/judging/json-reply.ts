import { err, ok, type Problem, type Result } from '../kernel/result.js';

/**
 * Parsing JSON that a model wrote: the whole text, or the whole text wrapped
 * in one Markdown code fence (```json … ``` or ``` … ```). Prose around the
 * JSON is not accepted.
 */

/** `empty`: nothing but whitespace (or an empty fence); `not_json`: the text is not JSON. */
export type JsonReply = Result<unknown, Problem<'empty' | 'not_json'>>;

const FENCE = /^```[A-Za-z0-9_+-]*[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*```$/;

/** The text inside a code fence that wraps the whole (trimmed) text, else the trimmed text. */
export function stripCodeFence(text: string): string {
  const trimmed = text.trim();
  const m = FENCE.exec(trimmed);
  return m ? m[1]!.trim() : trimmed;
}

export function parseJsonReply(text: string): JsonReply {
  const body = stripCodeFence(text);
  if (body === '') return err('empty', 'empty reply');
  try {
    return ok(JSON.parse(body) as unknown);
  } catch (e) {
    return err('not_json', `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}
