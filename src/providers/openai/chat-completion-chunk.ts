import type { Usage } from '../model-provider.js';

/**
 * An OpenAI `chat.completion.chunk`: the envelope around its choices, and the
 * usage on the closing chunk of a stream that asked for it.
 */
export function chatCompletionChunk(
  id: string,
  model: string,
  created: number,
  body: { readonly choices: readonly unknown[]; readonly usage?: Usage },
): unknown {
  return { id, object: 'chat.completion.chunk', created, model, ...body };
}
