/**
 * Parsing JSON that a model wrote: the whole text, or the whole text wrapped
 * in one Markdown code fence (```json … ``` or ``` … ```). Prose around the
 * JSON is not accepted.
 */

export type JsonReply = { ok: true; value: unknown } | { ok: false; message: string };

const FENCE = /^```[A-Za-z0-9_+-]*[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*```$/;

/** The text inside a code fence that wraps the whole (trimmed) text, else the trimmed text. */
export function stripCodeFence(text: string): string {
  const trimmed = text.trim();
  const m = FENCE.exec(trimmed);
  return m ? m[1]!.trim() : trimmed;
}

export function parseJsonReply(text: string): JsonReply {
  const body = stripCodeFence(text);
  if (body === '') return { ok: false, message: 'empty reply' };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (e) {
    return { ok: false, message: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}
