import { Pool, type Dispatcher } from 'undici';
import { AttemptSignal } from './attempt-signal.js';
import { abortedError, systemClock, type Clock } from './clock.js';
import { ProviderError } from './model-provider.js';
import { isRetryableStatus, parseRetryAfter, retryDelay, type RetryPolicy } from './retry.js';
import { Semaphore } from './semaphore.js';
import { parseSse, type SseEvent } from './sse.js';

export interface HttpClientOptions {
  /** Used in error messages: the provider's name. */
  readonly label: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxConcurrency: number;
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

interface Opened {
  readonly res: Dispatcher.ResponseData;
  readonly attempt: AttemptSignal;
  readonly release: () => void;
}

/**
 * The HTTP plumbing every remote provider shares: a keep-alive undici pool
 * for the base URL, at most `maxConcurrency` calls in flight, a timeout per
 * attempt, and retries with backoff (honouring Retry-After) on 429, 5xx and
 * dropped connections. Nothing is retried once the caller's signal has fired,
 * after a timeout, or once a stream has started.
 */
export class HttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly semaphore: Semaphore;
  private readonly clock: Clock;

  constructor(private readonly opts: HttpClientOptions) {
    const url = new URL(opts.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, { connections: opts.maxConcurrency, keepAliveTimeout: 10_000, headersTimeout: 0, bodyTimeout: 0 });
    this.semaphore = new Semaphore(opts.maxConcurrency);
    this.clock = opts.clock ?? systemClock;
  }

  /** Sends the call and parses the JSON answer; a body that is not JSON is 'malformed'. */
  async json(call: HttpCall): Promise<unknown> {
    return this.withRetries(call, 'application/json', async ({ res, attempt, release }) => {
      try {
        const text = await res.body.text();
        return parseJson(text, this.opts.label);
      } finally {
        attempt.dispose();
        release();
      }
    });
  }

  /** Sends the call and yields its server-sent events; the timeout applies to each wait for more bytes. */
  async *events(call: HttpCall): AsyncGenerator<SseEvent> {
    const { res, attempt, release } = await this.withRetries(call, 'text/event-stream', async (opened) => opened);
    let finished = false;
    try {
      const body = res.body;
      const touched = (async function* () {
        for await (const chunk of body) {
          attempt.pause(); // the consumer's own time does not count against the upstream
          yield chunk as Uint8Array;
          attempt.touch();
        }
      })();
      for await (const event of parseSse(touched)) yield event;
      finished = true;
    } catch (e) {
      const err = attempt.classify(e);
      if (err.kind !== 'connection') throw err;
      throw new ProviderError('stream_cut', `${this.opts.label}: the stream broke off: ${err.message}`, undefined, { cause: e });
    } finally {
      if (finished) attempt.dispose();
      else attempt.cancel();
      res.body.destroy();
      release();
    }
  }

  /** Closes the pool's connections once the calls in flight are done; closing twice is harmless. */
  async close(): Promise<void> {
    if (!this.pool.closed) await this.pool.close();
  }

  private async withRetries<T>(call: HttpCall, accept: string, consume: (opened: Opened) => Promise<T>): Promise<T> {
    const { signal } = call;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortedError(signal);
      const release = await this.semaphore.acquire(signal);
      const att = new AttemptSignal(signal, this.opts.timeoutMs, this.opts.label);
      let failure: ProviderError;
      let retryAfter: number | undefined;
      try {
        const res = await this.pool.request({
          path: this.basePath + call.path,
          method: call.method ?? 'POST',
          headers: { accept, 'content-type': 'application/json', ...this.opts.headers, ...call.headers },
          body: call.body === undefined ? null : JSON.stringify(call.body),
          signal: att.signal,
        });
        if (res.statusCode < 300) return await consume({ res, attempt: att, release });
        const text = await res.body.text().catch(() => '');
        failure = statusError(res.statusCode, `${this.opts.label}: HTTP ${res.statusCode}: ${this.opts.describeError(res.statusCode, text)}`);
        retryAfter = parseRetryAfter(res.headers, this.clock.now());
      } catch (e) {
        failure = att.classify(e);
      }
      att.dispose();
      release();
      if (attempt >= this.opts.retry.retries || !isRetryable(failure)) throw failure;
      const delay = retryDelay(attempt, retryAfter, this.opts.retry);
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
  return AttemptSignal.isTransient(err);
}

export function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderError('malformed', `${label}: the answer is not JSON: ${text.slice(0, 120)}`);
  }
}
