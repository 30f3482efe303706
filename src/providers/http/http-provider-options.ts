import type { Clock } from '../../kernel/clock.js';
import { HttpClient } from './http-client.js';
import { ProviderError, type ChatRequest } from '../model-provider.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';

/** What every HTTP provider is configured with (from sluice.yaml's provider entry). */
export interface HttpProviderOptions {
  readonly name: string;
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly maxConcurrency?: number;
  readonly retries?: number;
  /** Limits on what an upstream may send (sluice.yaml: max_response_bytes, max_sse_line_bytes, stream_deadline_ms, max_output_chars). */
  readonly maxResponseBytes?: number;
  readonly maxSseLineBytes?: number;
  readonly streamDeadlineMs?: number;
  readonly maxOutputChars?: number;
  /** Backoff tuning and a random source; tests make waits short and predictable. */
  readonly retry?: Partial<Omit<RetryPolicy, 'retries'>>;
  readonly clock?: Clock;
}

/**
 * What an upstream may send, by default (docs/security.md): 64 MiB of body,
 * 1 MiB in one event-stream line, 10 minutes for a streamed answer, 2,000,000
 * characters of answer. Each is a provider setting in sluice.yaml.
 */
export const DEFAULT_UPSTREAM_LIMITS = {
  maxResponseBytes: 64 * 1024 * 1024,
  maxSseLineBytes: 1024 * 1024,
  streamDeadlineMs: 600_000,
  maxOutputChars: 2_000_000,
} as const;

/** A hosted API's options: the base URL is optional, the vendor's own being the default. */
export type HostedProviderOptions = Omit<HttpProviderOptions, 'baseUrl'> & { readonly baseUrl?: string };

/** The API key a hosted API cannot do without; a config error naming the provider when there is none. */
export function requireApiKey(opts: Pick<HttpProviderOptions, 'name' | 'apiKey'>, vendor: string): string {
  if (!opts.apiKey)
    throw new ProviderError(
      'config',
      `provider "${opts.name}": ${vendor} needs an API key (set api_key_env and that variable)`,
    );
  return opts.apiKey;
}

export function httpClientFor(
  opts: Omit<HttpProviderOptions, 'baseUrl'>,
  baseUrl: string,
  headers: Readonly<Record<string, string>>,
  describeError: (status: number, body: string) => string,
): HttpClient {
  return new HttpClient({
    label: opts.name,
    baseUrl,
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxConcurrency: opts.maxConcurrency ?? 64,
    maxResponseBytes: opts.maxResponseBytes ?? DEFAULT_UPSTREAM_LIMITS.maxResponseBytes,
    maxSseLineBytes: opts.maxSseLineBytes ?? DEFAULT_UPSTREAM_LIMITS.maxSseLineBytes,
    streamDeadlineMs: opts.streamDeadlineMs ?? DEFAULT_UPSTREAM_LIMITS.streamDeadlineMs,
    maxOutputChars: opts.maxOutputChars ?? DEFAULT_UPSTREAM_LIMITS.maxOutputChars,
    retry: { ...DEFAULT_RETRY, ...opts.retry, retries: opts.retries ?? 2 },
    headers,
    describeError,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}

/** The caller's extra headers and signal, when given, for an HttpCall. */
export function callExtras(req: ChatRequest): { headers?: Readonly<Record<string, string>>; signal?: AbortSignal } {
  return { ...(req.headers ? { headers: req.headers } : {}), ...(req.signal ? { signal: req.signal } : {}) };
}
