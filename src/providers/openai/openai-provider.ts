import { type HostedProviderOptions, requireApiKey } from '../http/http-provider-options.js';
import { OpenAiCompatibleProvider } from './openai-compatible-provider.js';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export type OpenAiOptions = HostedProviderOptions;

/**
 * OpenAI's own API: the compatible wire format, an API key that must be
 * there, and max_completion_tokens (which its reasoning models require)
 * in place of max_tokens.
 */
export function openAiProvider(opts: OpenAiOptions): OpenAiCompatibleProvider {
  requireApiKey(opts, 'OpenAI');
  return new OpenAiCompatibleProvider({
    ...opts,
    baseUrl: opts.baseUrl ?? OPENAI_BASE_URL,
    kind: 'openai',
    body: { maxTokensField: 'max_completion_tokens' },
    sliceHeader: false,
  });
}
