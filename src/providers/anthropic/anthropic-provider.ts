import {
  AnthropicStream,
  ANTHROPIC_VERSION,
  anthropicBody,
  describeAnthropicError,
  parseAnthropicMessage,
} from './anthropic-wire.js';
import { streamChunks } from '../http/chunk-stream.js';
import { HttpModelProvider } from '../http/http-model-provider.js';
import { callExtras, type HostedProviderOptions, httpClientFor, requireApiKey } from '../http/http-provider-options.js';
import type { ChatChunk, ChatRequest, ChatResult } from '../model-provider.js';

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

export type AnthropicOptions = HostedProviderOptions;

/** Anthropic's Messages API: POST {base}/v1/messages with x-api-key and anthropic-version. */
export class AnthropicProvider extends HttpModelProvider {
  override readonly kind = 'anthropic';

  constructor(opts: AnthropicOptions) {
    const headers = { 'x-api-key': requireApiKey(opts, 'Anthropic'), 'anthropic-version': ANTHROPIC_VERSION };
    super(opts.name, httpClientFor(opts, opts.baseUrl ?? ANTHROPIC_BASE_URL, headers, describeAnthropicError));
  }

  override async chat(req: ChatRequest): Promise<ChatResult> {
    const value = await this.http.json({ path: '/v1/messages', body: anthropicBody(req, false), ...callExtras(req) });
    return parseAnthropicMessage(value, this.name, req.model);
  }

  override async *chatStream(req: ChatRequest): AsyncIterable<ChatChunk> {
    yield* streamChunks(
      new AnthropicStream(this.name),
      this.http.events({ path: '/v1/messages', body: anthropicBody(req, true), ...callExtras(req) }),
      this.http.maxOutputChars,
    );
  }
}
