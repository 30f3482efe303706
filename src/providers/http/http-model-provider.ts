import type { ChatChunk, ChatRequest, ChatResult, ModelProvider } from '../model-provider.js';
import type { HttpClient } from './http-client.js';

/** A provider that speaks to its API through one HttpClient, closed with the provider. */
export abstract class HttpModelProvider implements ModelProvider {
  abstract readonly kind: string;
  readonly name: string;
  protected readonly http: HttpClient;

  protected constructor(name: string, http: HttpClient) {
    this.name = name;
    this.http = http;
  }

  abstract chat(req: ChatRequest): Promise<ChatResult>;
  abstract chatStream(req: ChatRequest): AsyncIterable<ChatChunk>;

  close(): Promise<void> {
    return this.http.close();
  }
}
