import type { HttpProviderOptions } from '../http/http-provider-options.js';
import { ProviderError } from '../model-provider.js';
import { OpenAiCompatibleProvider } from './openai-compatible-provider.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export type OpenAiOptions = Omit<HttpProviderOptions, 'baseUrl'> & { readonly baseUrl?: string };

/**
 * OpenAI's own API: the compatible wire format, an API key that must be
 * there, and max_completion_tokens (which its reasoning models require)
 * in place of max_tokens.
 */
export function openAiProvider(opts: OpenAiOptions): OpenAiCompatibleProvider {
  if (!opts.apiKey)
    throw new ProviderError(
      'config',
      `provider "${opts.name}": OpenAI needs an API key (set api_key_env and that variable)`,
    );
  return new OpenAiCompatibleProvider({
    ...opts,
    baseUrl: opts.baseUrl ?? OPENAI_BASE_URL,
    kind: 'openai',
    body: { maxTokensField: 'max_completion_tokens' },
    sliceHeader: false,
  });
}
