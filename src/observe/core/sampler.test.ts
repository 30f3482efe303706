import { describe, expect, it } from 'vitest';
import { BoundedQueue, JudgeSpendCap, ObserveSampler, sampleUnit, shouldSample } from './sampler.js';
import { T0, WINDOW_MS, WINDOW_SECONDS } from './test-support/fixtures.js';

const keys = (n: number, prefix = 'req-') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('shouldSample', () => {
  it('gives the same request id the same decision every time', () => {
    for (const k of keys(200)) {
      const first = shouldSample(k, 0.3);
      for (let r = 0; r < 3; r++) expect(shouldSample(k, 0.3)).toBe(first);
      expect(sampleUnit(k)).toBe(sampleUnit(k));
    }
  });

  it('pins the hash, so every replica and every version of Sluice decides alike', () => {
    // SHA-256("sluice/observe-sample\0" ‖ key), first 48 bits / 2^48.
    expect(sampleUnit('chatcmpl-0001')).toBeCloseTo(0.7653874022659828, 15);
    expect(shouldSample('chatcmpl-0001', 0.76)).toBe(false);
    expect(shouldSample('chatcmpl-0001', 0.77)).toBe(true);
  });

  it.each([0.05, 0.2, 0.5])('samples ≈ %s of 10,000 keys', (rate) => {
    const sampled = keys(10_000).filter((k) => shouldSample(k, rate)).length;
    // Binomial sd at 10k keys is ≤ 50; allow 4 sd.
    expect(Math.abs(sampled / 10_000 - rate)).toBeLessThan(0.02);
  });

  it('at 0.05 over 10,000 keys stays within half a percentage point', () => {
    const sampled = keys(10_000, 'chatcmpl-').filter((k) => shouldSample(k, 0.05)).length;
    expect(sampled).toBeGreaterThan(400);
    expect(sampled).toBeLessThan(600);
  });

  it('only adds requests as the rate rises', () => {
    for (const k of keys(2000)) if (shouldSample(k, 0.05)) expect(shouldSample(k, 0.1)).toBe(true);
  });

  it('never samples at 0 and always at 1', () => {
    expect(keys(500).some((k) => shouldSample(k, 0))).toBe(false);
    expect(keys(500).every((k) => shouldSample(k, 1))).toBe(true);
  });

  it('rejects a rate outside [0, 1]', () => {
    for (const bad of [-0.1, 1.5, Number.NaN]) expect(() => shouldSample('k', bad)).toThrow(RangeError);
  });
});

describe('BoundedQueue', () => {
  it('is FIFO and drops the newest item when full, counting the drop', () => {
    const q = new BoundedQueue<number>(3);
    expect([1, 2, 3, 4, 5].map((v) => q.offer(v))).toEqual([true, true, true, false, false]);
    expect(q.size).toBe(3);
    expect(q.dropped).toBe(2);
    expect(q.offered).toBe(5);
    expect(q.take()).toBe(1);
    expect(q.offer(6)).toBe(true);
    expect(q.drain()).toEqual([2, 3, 6]);
    expect(q.take()).toBeUndefined();
    expect(q.dropped).toBe(2);
  });

  it('wraps around its ring many times without losing order', () => {
    const q = new BoundedQueue<number>(4);
    const seen: number[] = [];
    for (let i = 0; i < 100; i++) {
      q.offer(i);
      if (i % 2 === 1) seen.push(...q.drain(2));
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(q.dropped).toBe(0);
  });

  it('drains at most the given number', () => {
    const q = new BoundedQueue<string>(5);
    for (const s of ['a', 'b', 'c']) q.offer(s);
    expect(q.drain(2)).toEqual(['a', 'b']);
    expect(q.size).toBe(1);
  });

  it('needs a capacity of at least one', () => {
    expect(() => new BoundedQueue(0)).toThrow(RangeError);
    expect(() => new BoundedQueue(1.5)).toThrow(RangeError);
  });
});

describe('JudgeSpendCap', () => {
  it('allows maxJudgeCallsPerWindow calls a window, skips and counts the rest, and resets at the next window', () => {
    const cap = new JudgeSpendCap({ maxJudgeCallsPerWindow: 3, windowSeconds: WINDOW_SECONDS });
    const first = Array.from({ length: 5 }, (_, i) => cap.tryCharge(T0 + i * 1000));
    expect(first).toEqual([true, true, true, false, false]);
    expect(cap.snapshot()).toMatchObject({
      windowStart: T0,
      used: 3,
      remaining: 0,
      skippedThisWindow: 2,
      skippedTotal: 2,
      chargedTotal: 3,
    });
    expect(cap.tryCharge(T0 + WINDOW_MS)).toBe(true);
    expect(cap.snapshot()).toMatchObject({
      windowStart: T0 + WINDOW_MS,
      used: 1,
      skippedThisWindow: 0,
      skippedTotal: 2,
      chargedTotal: 4,
    });
  });

  it('aligns windows to the epoch, not to the first call', () => {
    const cap = new JudgeSpendCap({ maxJudgeCallsPerWindow: 1, windowSeconds: WINDOW_SECONDS });
    expect(cap.tryCharge(T0 + WINDOW_MS - 1)).toBe(true);
    expect(cap.tryCharge(T0 + WINDOW_MS)).toBe(true); // one ms later, a new window
    expect(cap.snapshot().skippedTotal).toBe(0);
  });

  it('counts a charge from an earlier window against the current one', () => {
    const cap = new JudgeSpendCap({ maxJudgeCallsPerWindow: 2, windowSeconds: WINDOW_SECONDS });
    cap.tryCharge(T0 + WINDOW_MS);
    cap.tryCharge(T0);
    expect(cap.tryCharge(T0 + WINDOW_MS + 5)).toBe(false);
    expect(cap.snapshot()).toMatchObject({ windowStart: T0 + WINDOW_MS, used: 2, skippedTotal: 1 });
  });

  it('charges several calls at once, all or none', () => {
    const cap = new JudgeSpendCap({ maxJudgeCallsPerWindow: 5, windowSeconds: WINDOW_SECONDS });
    expect(cap.tryCharge(T0, 4)).toBe(true);
    expect(cap.tryCharge(T0, 2)).toBe(false);
    expect(cap.snapshot()).toMatchObject({ used: 4, skippedThisWindow: 2 });
    expect(cap.tryCharge(T0, 1)).toBe(true);
  });

  it('with a cap of 0 skips everything; with Infinity nothing', () => {
    const none = new JudgeSpendCap({ maxJudgeCallsPerWindow: 0, windowSeconds: 10 });
    expect(none.tryCharge(T0)).toBe(false);
    const all = new JudgeSpendCap({ maxJudgeCallsPerWindow: Infinity, windowSeconds: 10 });
    for (let i = 0; i < 1000; i++) expect(all.tryCharge(T0)).toBe(true);
    expect(() => new JudgeSpendCap({ maxJudgeCallsPerWindow: -1, windowSeconds: 10 })).toThrow(RangeError);
    expect(() => new JudgeSpendCap({ maxJudgeCallsPerWindow: 1, windowSeconds: 0 })).toThrow(RangeError);
  });
});

describe('ObserveSampler', () => {
  it('samples, queues, then drops past the queue and skips past the spend cap, counting each', () => {
    const s = new ObserveSampler<string>({
      sampleRate: 1,
      windowSeconds: WINDOW_SECONDS,
      queueCapacity: 2,
      maxJudgeCallsPerWindow: 3,
    });
    expect(s.offer('a', 'a', T0)).toBe('queued');
    expect(s.offer('b', 'b', T0)).toBe('queued');
    expect(s.offer('c', 'c', T0)).toBe('dropped'); // queue full: not charged
    expect(s.queue.drain()).toEqual(['a', 'b']);
    expect(s.offer('d', 'd', T0)).toBe('queued'); // the third charge
    expect(s.offer('e', 'e', T0)).toBe('skipped'); // over the cap
    expect(s.offer('f', 'f', T0 + WINDOW_MS)).toBe('queued'); // next window
    expect(s.counts()).toEqual({ offered: 6, notSampled: 0, queued: 4, dropped: 1, skipped: 1, floored: 0 });
    expect(s.queue.dropped).toBe(1);
    expect(s.cap.snapshot()).toMatchObject({ chargedTotal: 4, skippedTotal: 1 });
  });

  it('builds a lazily offered item only when the request is sampled', () => {
    const s = new ObserveSampler<number>({ sampleRate: 0.05, windowSeconds: WINDOW_SECONDS, queueCapacity: 100_000 });
    const ks = keys(2_000);
    let built = 0;
    for (const [i, k] of ks.entries())
      s.offerLazy(
        k,
        () => {
          built++;
          return i;
        },
        T0,
      );
    const sampled = ks.filter((k) => shouldSample(k, 0.05)).length;
    expect(sampled).toBeGreaterThan(0);
    expect(built).toBe(sampled);
    expect(s.queue.drain()).toEqual(ks.flatMap((k, i) => (shouldSample(k, 0.05) ? [i] : [])));
  });

  it('leaves unsampled requests alone and follows shouldSample', () => {
    const s = new ObserveSampler<number>({ sampleRate: 0.05, windowSeconds: WINDOW_SECONDS, queueCapacity: 100_000 });
    const ks = keys(10_000);
    for (const [i, k] of ks.entries()) s.offer(k, i, T0);
    const expected = ks.filter((k) => shouldSample(k, 0.05)).length;
    expect(s.counts()).toMatchObject({
      offered: 10_000,
      queued: expected,
      notSampled: 10_000 - expected,
      dropped: 0,
      skipped: 0,
    });
  });

  it('judges at least min_samples_per_window answers a window when traffic allows (a low-traffic route stays watched)', () => {
    const s = new ObserveSampler<number>({
      sampleRate: 0.05,
      windowSeconds: WINDOW_SECONDS,
      queueCapacity: 100_000,
      minPerWindow: 20,
    });
    // 1 request a second: 60 a window, of which the 5% rate picks about 3.
    const ks = keys(180);
    for (const [i, k] of ks.entries()) s.offer(k, i, T0 + i * 1000);
    expect(s.counts().queued).toBeGreaterThanOrEqual(60);
    expect(s.counts().floored).toBeGreaterThan(40);
    const byWindow = new Map<number, number>();
    for (const [i, k] of ks.entries()) {
      const w = Math.floor(i / 60);
      if (i % 60 < 20 || shouldSample(k, 0.05)) byWindow.set(w, (byWindow.get(w) ?? 0) + 1);
    }
    expect(s.counts().queued).toBe([...byWindow.values()].reduce((a, b) => a + b, 0));
    // At high traffic the rate alone clears the floor: nothing is floored past the window's first answers.
    const busy = new ObserveSampler<number>({
      sampleRate: 0.5,
      windowSeconds: WINDOW_SECONDS,
      queueCapacity: 100_000,
      minPerWindow: 2,
    });
    for (const [i, k] of keys(1000).entries()) busy.offer(k, i, T0);
    expect(busy.counts().floored).toBeLessThanOrEqual(2);
    expect(
      () => new ObserveSampler({ sampleRate: 0.1, windowSeconds: 60, queueCapacity: 1, minPerWindow: -1 }),
    ).toThrow(/minPerWindow/);
  });
});
