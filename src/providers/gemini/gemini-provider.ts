import { describeGeminiError, GeminiStream, geminiBody, parseGeminiResponse } from './gemini-wire.js';
import type { HttpClient } from '../http/http-client.js';
import { callExtras, httpClientFor, type HttpProviderOptions } from '../http/http-provider-options.js';
import {
  ProviderError,
  type ChatChunk,
  type ChatRequest,
  type ChatResult,
  type ModelProvider,
} from '../model-provider.js';

export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

export type GeminiOptions = Omit<HttpProviderOptions, 'baseUrl'> & { readonly baseUrl?: string };

/** Google's Gemini API: POST {base}/v1beta/models/{model}:generateContent (and :streamGenerateContent?alt=sse). */
export class GeminiProvider implements ModelProvider {
  readonly name: string;
  readonly kind = 'gemini';
  private readonly http: HttpClient;
  private readonly key: string;

  constructor(opts: GeminiOptions) {
    if (!opts.apiKey)
      throw new ProviderError(
        'config',
        `provider "${opts.name}": Gemini needs an API key (set api_key_env and that variable)`,
      );
    this.name = opts.name;
    this.key = encodeURIComponent(opts.apiKey);
    this.http = httpClientFor(opts, opts.baseUrl ?? GEMINI_BASE_URL, {}, describeGeminiError);
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const value = await this.http.json({
      path: `${this.modelPath(req.model)}:generateContent?key=${this.key}`,
      body: geminiBody(req),
      ...callExtras(req),
    });
    return parseGeminiResponse(value, this.name, req.model);
  }

  async *chatStream(req: ChatRequest): AsyncIterable<ChatChunk> {
    const stream = new GeminiStream(this.name);
    try {
      const path = `${this.modelPath(req.model)}:streamGenerateContent?alt=sse&key=${this.key}`;
      for await (const event of this.http.events({ path, body: geminiBody(req), ...callExtras(req) }))
        yield* stream.accept(event.data);
    } catch (e) {
      if (!stream.done) throw e;
    }
    yield stream.finish();
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private modelPath(model: string): string {
    return `/v1beta/models/${encodeURIComponent(model.replace(/^models\//, ''))}`;
  }
}
