import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy,
} from './retry.js';

const policy = (random: () => number): RetryPolicy => ({ ...DEFAULT_RETRY, retries: 5, random });

describe('retry', () => {
  it('draws full-jitter backoff under a doubling ceiling, capped', () => {
    expect(
      backoffDelay(
        0,
        policy(() => 0.999),
      ),
    ).toBe(249);
    expect(
      backoffDelay(
        3,
        policy(() => 0.5),
      ),
    ).toBe(1000);
    expect(
      backoffDelay(
        20,
        policy(() => 0.999),
      ),
    ).toBe(7992);
    expect(
      backoffDelay(
        2,
        policy(() => 0),
      ),
    ).toBe(0);
  });

  it('reads Retry-After as seconds, an HTTP date, or retry-after-ms', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:07 GMT' }, now)).toBe(7000);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }, now)).toBe(0);
    expect(parseRetryAfter({ 'retry-after-ms': '120', 'retry-after': '3' }, now)).toBe(120);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });

  it('gives up at once when asked to wait longer than allowed', () => {
    expect(retryDelay(0, 120_000, policy(Math.random))).toBeUndefined();
    expect(retryDelay(0, 5_000, policy(Math.random))).toBe(5_000);
  });

  it('retries 408, 409, 429 and 5xx only', () => {
    expect([400, 401, 404, 408, 409, 422, 429, 500, 503, 529].filter(isRetryableStatus)).toEqual([
      408, 409, 429, 500, 503, 529,
    ]);
  });
});
