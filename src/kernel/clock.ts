import { ProviderError } from '../providers/model-provider.js';

/** Time as the providers see it: injected so waits can be tested in virtual time. */
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
