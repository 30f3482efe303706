import { streamChunks } from '../http/chunk-stream.js';
import { HttpModelProvider } from '../http/http-model-provider.js';
import { headerValue } from '../../kernel/chat.js';
import { callExtras, httpClientFor, type HttpProviderOptions } from '../http/http-provider-options.js';
import type { ChatChunk, ChatRequest, ChatResult } from '../model-provider.js';
import {
  describeOpenAiError,
  openAiChatBody,
  OpenAiStream,
  parseOpenAiChat,
  parseOpenAiEmbeddings,
  type OpenAiBodyOptions,
} from './openai-wire.js';

export interface OpenAiCompatibleOptions extends HttpProviderOptions {
  readonly kind?: string;
  readonly body?: OpenAiBodyOptions;
  /** Send ChatRequest.hints.slice as the x-sluice-slice header (default true; Sluice's simulator reads it). */
  readonly sliceHeader?: boolean;
}

/**
 * Any server that speaks OpenAI's /chat/completions (vLLM, llama.cpp,
 * Ollama, LiteLLM, Sluice's own simulator…). `baseUrl` includes the version
 * path, e.g. http://127.0.0.1:8000/v1.
 */
export class OpenAiCompatibleProvider extends HttpModelProvider {
  override readonly kind: string;
  private readonly body: OpenAiBodyOptions;
  private readonly sliceHeader: boolean;

  constructor(opts: OpenAiCompatibleOptions) {
    const auth: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
    super(opts.name, httpClientFor(opts, opts.baseUrl, auth, describeOpenAiError));
    this.kind = opts.kind ?? 'openai-compatible';
    this.body = opts.body ?? { maxTokensField: 'max_tokens' };
    this.sliceHeader = opts.sliceHeader ?? true;
  }

  override async chat(req: ChatRequest): Promise<ChatResult> {
    const value = await this.http.json({
      path: '/chat/completions',
      body: openAiChatBody(req, false, this.body),
      ...this.extras(req),
    });
    return parseOpenAiChat(value, this.name, req.model);
  }

  override async *chatStream(req: ChatRequest): AsyncIterable<ChatChunk> {
    yield* streamChunks(
      new OpenAiStream(this.name),
      this.http.events({ path: '/chat/completions', body: openAiChatBody(req, true, this.body), ...this.extras(req) }),
      this.http.maxOutputChars,
    );
  }

  async embed(model: string, inputs: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const value = await this.http.json({
      path: '/embeddings',
      body: { model, input: inputs, encoding_format: 'float' },
      ...(signal ? { signal } : {}),
    });
    return parseOpenAiEmbeddings(value, this.name, inputs.length);
  }

  private extras(req: ChatRequest): ReturnType<typeof callExtras> {
    const slice = req.hints?.slice;
    if (!this.sliceHeader || slice === undefined || headerValue(req.headers, 'x-sluice-slice') !== undefined)
      return callExtras(req);
    return callExtras({ ...req, headers: { ...req.headers, 'x-sluice-slice': slice } });
  }
}
