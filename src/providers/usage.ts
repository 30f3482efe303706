import type { ChatChunk, Usage } from './model-provider.js';

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
