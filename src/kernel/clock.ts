import { ProviderError } from '../providers/model-provider.js';

/**
 * The one clock, injected wherever time is read, so that dwell times, windows
 * and waits are tested in virtual time. `now()` is epoch milliseconds for the
 * system clock; `sleep` is what providers wait with (retries, rate limits).
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with ProviderError 'aborted' when the signal fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function abortedError(signal?: AbortSignal): ProviderError {
  const why = signal?.reason instanceof Error ? `: ${signal.reason.message}` : '';
  return new ProviderError('aborted', `the request was cancelled${why}`, undefined, { cause: signal?.reason });
}

/** A real-time sleep that a signal can cut short. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = { now: () => Date.now(), sleep };

/** For durations only (latency, elapsed time): monotonic, sub-millisecond, not the time of day. */
export const monotonicClock: Clock = { now: () => performance.now(), sleep };

/** A clock read from a function (tests: `clockOf(() => t)`), sleeping in real time. */
export function clockOf(now: () => number): Clock {
  return { now, sleep };
}

/** The clock's time as a Date (receipts, created_at columns). */
export function dateOf(clock: Clock): Date {
  return new Date(clock.now());
}
