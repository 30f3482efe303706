import { estimateTokens } from '../../kernel/chat.js';
import type { ChatChunk, ChatRequest, ChatResult, ModelProvider } from '../model-provider.js';
import { estimatePromptTokens, estimateRequestTokens, type RateLimiter } from './rate-limiter.js';

/** Wraps a provider so every call waits for room under its rate limits and is charged its real usage. */
export class RateLimitedProvider implements ModelProvider {
  readonly name: string;
  readonly kind: string;
  readonly embed?: (model: string, inputs: readonly string[], signal?: AbortSignal) => Promise<number[][]>;

  constructor(
    private readonly inner: ModelProvider,
    private readonly limiter: RateLimiter,
  ) {
    this.name = inner.name;
    this.kind = inner.kind;
    const embed = inner.embed?.bind(inner);
    if (embed) {
      this.embed = async (model, inputs, signal) => {
        const tokens = inputs.reduce((n, s) => n + estimateTokens(s), 0);
        const permit = await limiter.acquire(tokens, signal);
        try {
          return await embed(model, inputs, signal);
        } finally {
          permit.settle(tokens);
        }
      };
    }
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const permit = await this.limiter.acquire(estimateRequestTokens(req), req.signal);
    const result = await this.inner.chat(req);
    permit.settle(result.usage.total_tokens);
    return result;
  }

  async *chatStream(req: ChatRequest): AsyncIterable<ChatChunk> {
    const estimate = estimateRequestTokens(req);
    const permit = await this.limiter.acquire(estimate, req.signal);
    let streamed = 0;
    let reported: number | undefined;
    try {
      for await (const chunk of this.inner.chatStream(req)) {
        streamed += estimateTokens(chunk.delta);
        if (chunk.usage) reported = chunk.usage.total_tokens;
        yield chunk;
      }
    } finally {
      // Without reported usage, charge the prompt estimate and what was streamed.
      permit.settle(reported ?? estimatePromptTokens(req) + streamed);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
