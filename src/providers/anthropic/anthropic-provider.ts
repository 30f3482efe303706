import {
  AnthropicStream,
  ANTHROPIC_VERSION,
  anthropicBody,
  describeAnthropicError,
  parseAnthropicMessage,
} from './anthropic-wire.js';
import type { HttpClient } from '../http/http-client.js';
import { callExtras, httpClientFor, type HttpProviderOptions } from '../http/http-provider-options.js';
import {
  ProviderError,
  type ChatChunk,
  type ChatRequest,
  type ChatResult,
  type ModelProvider,
} from '../model-provider.js';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

export type AnthropicOptions = Omit<HttpProviderOptions, 'baseUrl'> & { readonly baseUrl?: string };

/** Anthropic's Messages API: POST {base}/v1/messages with x-api-key and anthropic-version. */
export class AnthropicProvider implements ModelProvider {
  readonly name: string;
  readonly kind = 'anthropic';
  private readonly http: HttpClient;

  constructor(opts: AnthropicOptions) {
    if (!opts.apiKey)
      throw new ProviderError(
        'config',
        `provider "${opts.name}": Anthropic needs an API key (set api_key_env and that variable)`,
      );
    this.name = opts.name;
    const headers = { 'x-api-key': opts.apiKey, 'anthropic-version': ANTHROPIC_VERSION };
    this.http = httpClientFor(opts, opts.baseUrl ?? ANTHROPIC_BASE_URL, headers, describeAnthropicError);
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const value = await this.http.json({ path: '/v1/messages', body: anthropicBody(req, false), ...callExtras(req) });
    return parseAnthropicMessage(value, this.name, req.model);
  }

  async *chatStream(req: ChatRequest): AsyncIterable<ChatChunk> {
    const stream = new AnthropicStream(this.name);
    try {
      const events = this.http.events({ path: '/v1/messages', body: anthropicBody(req, true), ...callExtras(req) });
      for await (const event of events) yield* stream.accept(event.data);
    } catch (e) {
      if (!stream.done) throw e;
    }
    yield stream.finish();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
