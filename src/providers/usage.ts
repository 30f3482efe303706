import { type ChatChunk, ProviderError, type Usage } from './model-provider.js';

export const NO_USAGE: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

export function usageOf(prompt: number | undefined, completion: number | undefined, total?: number): Usage {
  const p = prompt ?? 0;
  const c = completion ?? 0;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: total ?? p + c };
}

/** The last chunk of a stream: no text, the finish reason, and the usage when the upstream reported it. */
export function closingChunk(finishReason: string, usage: Usage | undefined): ChatChunk {
  return usage ? { delta: '', finishReason, usage } : { delta: '', finishReason };
}

/**
 * A token count as an upstream reported it: absent (undefined or null) is
 * undefined; a non-negative safe integer is itself; anything else
 * (`-1`, `1e308`, `1.5`, `"12"`) makes the answer malformed, so it is counted
 * as a bad answer and never reaches the token counters.
 */
export function tokenCount(v: unknown, field: string, label: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  const shown = typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v).slice(0, 40);
  throw new ProviderError('malformed', `${label}: usage ${field} is not a non-negative integer: ${shown}`);
}

/** usageOf over counts already checked by tokenCount; their sum must stay a safe integer too. */
export function checkedUsage(
  label: string,
  prompt: number | undefined,
  completion: number | undefined,
  total?: number,
): Usage {
  const u = usageOf(prompt, completion, total);
  if (!Number.isSafeInteger(u.prompt_tokens + u.completion_tokens) || !Number.isSafeInteger(u.total_tokens))
    throw new ProviderError('malformed', `${label}: usage token counts add up past ${Number.MAX_SAFE_INTEGER}`);
  return u;
}
