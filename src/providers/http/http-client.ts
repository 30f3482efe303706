import type { Pool as PoolType } from 'undici';
import { createRequire } from 'node:module';
import { attemptFailure, isTransient } from './attempt-failure.js';
import { abortedError, systemClock, type Clock } from '../../kernel/clock.js';
import { HttpAttempt } from './http-attempt.js';
import { ProviderError } from '../model-provider.js';
import { isRetryableStatus, parseRetryAfter, retryDelay, type RetryPolicy } from './retry.js';
import { Semaphore } from './semaphore.js';
import { parseSse, SseLineTooLong, type SseEvent } from './sse.js';

/**
 * undici's connection pool, loaded alone: its package index also loads fetch,
 * WebSocket, caches and mocks, about 9 MB of a gateway's memory it never uses.
 * http-client.test.ts checks this is the very class the package exports.
 */
export const Pool = createRequire(import.meta.url)('undici/lib/dispatcher/pool.js') as typeof PoolType;

export interface HttpClientOptions {
  /** Used in error messages: the provider's name. */
  readonly label: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
  /** The largest response body taken (streamed or not); past it the call fails as 'too_large'. */
  readonly maxResponseBytes?: number;
  /** The longest event-stream line taken; past it the stream fails as 'too_large'. */
  readonly maxSseLineBytes?: number;
  /** How long a streamed answer may take from the request to its end, however steadily it arrives. */
  readonly streamDeadlineMs?: number;
  /** The most characters of answer (text and tool-call arguments) a stream may deliver. */
  readonly maxOutputChars?: number;
  readonly retry: RetryPolicy;
  /** Headers sent on every call (authentication, API version). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The message in an error body; each wire format has its own shape. */
  readonly describeError: (status: number, body: string) => string;
  readonly clock?: Clock;
}

export interface HttpCall {
  readonly method?: 'GET' | 'POST';
  /** Appended to the base URL's path, e.g. "/chat/completions"; may carry a query. */
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

/** An attempt that answered 2xx, and the concurrency permit it holds until its body is read. */
interface Answered {
  readonly attempt: HttpAttempt;
  readonly release: () => void;
}

/**
 * The HTTP plumbing every remote provider shares: a keep-alive undici pool
 * for the base URL, at most `maxConcurrency` calls in flight, a timeout per
 * attempt (for a stream, per wait for more bytes), and retries with backoff
 * (honouring Retry-After) on 429, 5xx and dropped connections. Nothing is
 * retried once the caller's signal has fired, after a timeout, or once a
 * stream has started.
 */
export class HttpClient {
  private readonly pool: PoolType;
  private readonly basePath: string;
  private readonly semaphore: Semaphore;
  private readonly clock: Clock;

  constructor(private readonly opts: HttpClientOptions) {
    const url = new URL(opts.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: opts.maxConcurrency,
      keepAliveTimeout: 10_000,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.semaphore = new Semaphore(opts.maxConcurrency);
    this.clock = opts.clock ?? systemClock;
  }

  /** Sends the call and parses the JSON answer; a body that is not JSON is 'malformed'. */
  async json(call: HttpCall): Promise<unknown> {
    return this.withRetries(call, 'application/json', async ({ attempt, release }) => {
      try {
        return parseJson(await attempt.body(), this.opts.label);
      } finally {
        release();
      }
    });
  }

  /** The most characters of answer a stream may deliver (chunk-stream.ts holds streams to it). */
  get maxOutputChars(): number | undefined {
    return this.opts.maxOutputChars;
  }

  /**
   * Sends the call and yields its server-sent events; the timeout applies to
   * each wait for more bytes, the stream deadline to the whole answer, and the
   * size limits to every line and to the body.
   */
  async *events(call: HttpCall): AsyncGenerator<SseEvent> {
    const { attempt, release } = await this.withRetries(call, 'text/event-stream', async (answered) => answered, true);
    const maxLine = this.opts.maxSseLineBytes;
    try {
      for await (const event of parseSse(attempt.chunks(), maxLine !== undefined ? { maxLineBytes: maxLine } : {}))
        yield event;
    } catch (e) {
      if (e instanceof SseLineTooLong) throw new ProviderError('too_large', `${this.opts.label}: ${e.message}`);
      const err = this.failure(e, call, attempt);
      if (err.kind !== 'connection') throw err;
      throw new ProviderError('stream_cut', `${this.opts.label}: the stream broke off: ${err.message}`, undefined, {
        cause: e,
      });
    } finally {
      attempt.dispose();
      release();
    }
  }

  /** Closes the pool's connections once the calls in flight are done; closing twice is harmless. */
  async close(): Promise<void> {
    if (!this.pool.closed) await this.pool.close();
  }

  private failure(e: unknown, call: HttpCall, attempt: HttpAttempt): ProviderError {
    return attemptFailure(e, {
      label: this.opts.label,
      timeoutMs: this.opts.timeoutMs,
      timedOut: attempt.timedOut,
      tooLarge: attempt.tooLarge,
      pastDeadline: attempt.pastDeadline,
      ...(this.opts.maxResponseBytes !== undefined ? { maxResponseBytes: this.opts.maxResponseBytes } : {}),
      ...(this.opts.streamDeadlineMs !== undefined ? { deadlineMs: this.opts.streamDeadlineMs } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
    });
  }

  private async withRetries<T>(
    call: HttpCall,
    accept: string,
    consume: (answered: Answered) => Promise<T>,
    stream = false,
  ): Promise<T> {
    const { signal } = call;
    for (let n = 0; ; n++) {
      if (signal?.aborted) throw abortedError(signal);
      const release = await this.semaphore.acquire(signal);
      const attempt = new HttpAttempt({
        timeoutMs: this.opts.timeoutMs,
        ...(signal ? { signal } : {}),
        ...(this.opts.maxResponseBytes !== undefined ? { maxResponseBytes: this.opts.maxResponseBytes } : {}),
        ...(stream && this.opts.streamDeadlineMs !== undefined ? { deadlineMs: this.opts.streamDeadlineMs } : {}),
      });
      let failure: ProviderError;
      let retryAfter: number | undefined;
      try {
        this.pool.dispatch(
          {
            path: this.basePath + call.path,
            method: call.method ?? 'POST',
            headers: { accept, 'content-type': 'application/json', ...this.opts.headers, ...call.headers },
            body: call.body === undefined ? null : JSON.stringify(call.body),
          },
          attempt,
        );
        const opened = await attempt.headers;
        if (opened.status < 300) return await consume({ attempt, release });
        const text = await attempt.body().catch(() => '');
        failure = statusError(
          opened.status,
          `${this.opts.label}: HTTP ${opened.status}: ${this.opts.describeError(opened.status, text)}`,
        );
        retryAfter = parseRetryAfter(opened.headers, this.clock.now());
      } catch (e) {
        failure = this.failure(e, call, attempt);
      }
      attempt.dispose();
      release();
      if (n >= this.opts.retry.retries || !isRetryable(failure)) throw failure;
      const delay = retryDelay(n, retryAfter, this.opts.retry);
      if (delay === undefined) throw failure;
      await this.clock.sleep(delay, signal);
    }
  }
}

function statusError(status: number, message: string): ProviderError {
  return new ProviderError(status === 429 ? 'rate_limited' : 'upstream_status', message, status);
}

function isRetryable(err: ProviderError): boolean {
  if (err.status !== undefined) return isRetryableStatus(err.status);
  return isTransient(err);
}

export function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderError('malformed', `${label}: the answer is not JSON: ${text.slice(0, 120)}`);
  }
}
