/** When and how long to wait before trying an upstream call again. */
export interface RetryPolicy {
  /** Retries after the first attempt (a provider's `retries`). */
  readonly retries: number;
  /** The first backoff ceiling; doubles each attempt (full jitter draws in [0, ceiling)). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails at once. */
  readonly maxRetryAfterMs: number;
  readonly random: () => number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'retries'> = {
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
};

/** 408, 409 (lock timeouts at some providers), 429 and every 5xx are worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Exponential backoff with full jitter: a uniform draw below min(max, base·2^attempt). */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}

/**
 * The wait a server asked for, in ms: `retry-after-ms`, or `Retry-After` as
 * delta-seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  nowMs: number,
): number | undefined {
  const ms = first(headers['retry-after-ms']);
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = first(headers['retry-after'])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** How long to wait before retry number `attempt + 1`, or undefined when the server asks for too long a wait. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy): number | undefined {
  if (retryAfterMs === undefined) return backoffDelay(attempt, policy);
  return retryAfterMs > policy.maxRetryAfterMs ? undefined : retryAfterMs;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
