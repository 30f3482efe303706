import { abortedError, systemClock, type Clock } from '../../kernel/clock.js';
import { estimateTokens, messageText } from '../../kernel/chat.js';
import type { ChatRequest } from '../model-provider.js';
import { TokenBucket } from './token-bucket.js';

const MINUTE_MS = 60_000;
/** The completion budget assumed for a request that sets no max_tokens. */
export const DEFAULT_COMPLETION_ESTIMATE = 512;

export interface RateLimits {
  readonly requestsPerMinute?: number;
  readonly tokensPerMinute?: number;
}

/** A reservation; `settle` charges the real token count once the upstream has reported it. */
export interface RatePermit {
  readonly estimated: number;
  settle(actualTokens: number): void;
}

/** Tokens a chat call is expected to cost before it runs: its text / 4 plus max_tokens. */
export function estimateRequestTokens(req: ChatRequest): number {
  return estimatePromptTokens(req) + (req.params.max_tokens ?? DEFAULT_COMPLETION_ESTIMATE);
}

export function estimatePromptTokens(req: ChatRequest): number {
  return req.messages.reduce((n, m) => n + estimateTokens(messageText(m)), 0);
}

/**
 * A provider's requests-per-minute and tokens-per-minute limits as token
 * buckets. Callers queue in order and wait for room rather than fail; a
 * request larger than the whole per-minute budget waits for a full bucket.
 */
export class RateLimiter {
  private readonly requests: TokenBucket | undefined;
  private readonly tokens: TokenBucket | undefined;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    limits: RateLimits,
    private readonly clock: Clock = systemClock,
  ) {
    const now = clock.now();
    this.requests = limits.requestsPerMinute ? new TokenBucket(limits.requestsPerMinute, MINUTE_MS, now) : undefined;
    this.tokens = limits.tokensPerMinute ? new TokenBucket(limits.tokensPerMinute, MINUTE_MS, now) : undefined;
  }

  async acquire(estimatedTokens: number, signal?: AbortSignal): Promise<RatePermit> {
    const before = this.tail;
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.tail = before.then(() => mine);
    try {
      await untilAborted(before, signal);
      for (;;) {
        const now = this.clock.now();
        const wait = Math.max(this.requests?.waitFor(1, now) ?? 0, this.tokens?.waitFor(estimatedTokens, now) ?? 0);
        if (wait === 0) break;
        await this.clock.sleep(wait, signal);
      }
      const now = this.clock.now();
      this.requests?.take(1, now);
      this.tokens?.take(estimatedTokens, now);
    } finally {
      done();
    }
    let settled = false;
    return {
      estimated: estimatedTokens,
      settle: (actual) => {
        if (settled) return;
        settled = true;
        this.tokens?.adjust(estimatedTokens - actual, this.clock.now());
      },
    };
  }

  /** Tokens that could be spent right now (Infinity without a token limit). */
  availableTokens(): number {
    return this.tokens?.available(this.clock.now()) ?? Infinity;
  }
}

function untilAborted(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortedError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    void p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
