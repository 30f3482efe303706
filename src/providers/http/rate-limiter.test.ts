import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../model-provider.js';
import { DEFAULT_COMPLETION_ESTIMATE, estimateRequestTokens, RateLimiter } from './rate-limiter.js';
import { FakeClock, flush } from '../test-support/fake-clock.js';

function track(p: Promise<unknown>): { done: () => boolean } {
  let settled = false;
  void p.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { done: () => settled };
}

describe('RateLimiter', () => {
  it('lets a minute of requests through at once, then one per 60/rpm seconds, in order', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerMinute: 2 }, clock);
    await limiter.acquire(0);
    await limiter.acquire(0);
    const third = track(limiter.acquire(0));
    const fourth = track(limiter.acquire(0));
    await flush();
    expect(third.done()).toBe(false);
    await clock.advance(29_999);
    expect(third.done()).toBe(false);
    await clock.advance(1);
    expect(third.done()).toBe(true);
    expect(fourth.done()).toBe(false);
    await clock.advance(30_000);
    expect(fourth.done()).toBe(true);
  });

  it('waits for tokens and settles reservations against real usage', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ tokensPerMinute: 1_000 }, clock);
    const big = await limiter.acquire(900);
    expect(limiter.availableTokens()).toBe(100);
    big.settle(300); // the call used far less than reserved: 600 come back
    expect(limiter.availableTokens()).toBe(700);
    const next = await limiter.acquire(700);
    next.settle(1_000); // and more than reserved: a debt of 300
    expect(limiter.availableTokens()).toBe(-300);
    const waiting = track(limiter.acquire(300));
    await clock.advance(35_999);
    expect(waiting.done()).toBe(false);
    await clock.advance(1);
    expect(waiting.done()).toBe(true);
  });

  it('lets a request larger than the per-minute budget through once the bucket is full', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ tokensPerMinute: 100 }, clock);
    (await limiter.acquire(50)).settle(50);
    const huge = track(limiter.acquire(5_000));
    await clock.advance(29_999);
    expect(huge.done()).toBe(false);
    await clock.advance(1);
    expect(huge.done()).toBe(true);
  });

  it('applies both limits together', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerMinute: 600, tokensPerMinute: 600 }, clock);
    await limiter.acquire(600);
    const next = track(limiter.acquire(60));
    await clock.advance(5_999);
    expect(next.done()).toBe(false);
    await clock.advance(1);
    expect(next.done()).toBe(true);
  });

  it('drops a waiter whose signal fires and keeps the queue moving', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerMinute: 1 }, clock);
    await limiter.acquire(0);
    const ac = new AbortController();
    const cancelled = limiter.acquire(0, ac.signal);
    const after = track(limiter.acquire(0));
    ac.abort();
    await expect(cancelled).rejects.toMatchObject({ kind: 'aborted' });
    await clock.advance(60_000);
    expect(after.done()).toBe(true);
  });

  it('is a no-op without limits', async () => {
    const limiter = new RateLimiter({}, new FakeClock());
    for (let i = 0; i < 1_000; i++) await limiter.acquire(10_000);
    expect(limiter.availableTokens()).toBe(Infinity);
  });

  it('estimates a call from its text and max_tokens', () => {
    const req: ChatRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'x'.repeat(40) }],
      params: { max_tokens: 100 },
    };
    expect(estimateRequestTokens(req)).toBe(110);
    expect(estimateRequestTokens({ ...req, params: {} })).toBe(10 + DEFAULT_COMPLETION_ESTIMATE);
  });
});
