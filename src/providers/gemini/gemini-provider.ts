import { describeGeminiError, GeminiStream, geminiBody, parseGeminiResponse } from './gemini-wire.js';
import { streamChunks } from '../http/chunk-stream.js';
import { HttpModelProvider } from '../http/http-model-provider.js';
import { callExtras, type HostedProviderOptions, httpClientFor, requireApiKey } from '../http/http-provider-options.js';
import type { ChatChunk, ChatRequest, ChatResult } from '../model-provider.js';

export const GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

export type GeminiOptions = HostedProviderOptions;

/** Google's Gemini API: POST {base}/v1beta/models/{model}:generateContent (and :streamGenerateContent?alt=sse). */
export class GeminiProvider extends HttpModelProvider {
  override readonly kind = 'gemini';
  private readonly key: string;

  constructor(opts: GeminiOptions) {
    const apiKey = requireApiKey(opts, 'Gemini');
    super(opts.name, httpClientFor(opts, opts.baseUrl ?? GEMINI_BASE_URL, {}, describeGeminiError));
    this.key = encodeURIComponent(apiKey);
  }

  override async chat(req: ChatRequest): Promise<ChatResult> {
    const value = await this.http.json({
      path: `${this.modelPath(req.model)}:generateContent?key=${this.key}`,
      body: geminiBody(req),
      ...callExtras(req),
    });
    return parseGeminiResponse(value, this.name, req.model);
  }

  override async *chatStream(req: ChatRequest): AsyncIterable<ChatChunk> {
    const path = `${this.modelPath(req.model)}:streamGenerateContent?alt=sse&key=${this.key}`;
    yield* streamChunks(
      new GeminiStream(this.name),
      this.http.events({ path, body: geminiBody(req), ...callExtras(req) }),
      this.http.maxOutputChars,
    );
  }

  private modelPath(model: string): string {
    return `/v1beta/models/${encodeURIComponent(model.replace(/^models\//, ''))}`;
  }
}
