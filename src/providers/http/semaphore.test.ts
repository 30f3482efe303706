import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('grants permits in order and hands a released one to the next waiter', async () => {
    const s = new Semaphore(1);
    const order: number[] = [];
    const r1 = await s.acquire();
    const w2 = s.acquire().then((r) => {
      order.push(2);
      return r;
    });
    const w3 = s.acquire().then((r) => {
      order.push(3);
      return r;
    });
    expect(s.waiting).toBe(2);
    r1();
    r1(); // releasing twice is harmless
    (await w2)();
    (await w3)();
    expect(order).toEqual([2, 3]);
    expect(s.available).toBe(1);
  });

  it('drops a waiter whose signal fires', async () => {
    const s = new Semaphore(1);
    const r1 = await s.acquire();
    const ac = new AbortController();
    const w = s.acquire(ac.signal);
    ac.abort();
    await expect(w).rejects.toMatchObject({ kind: 'aborted' });
    expect(s.waiting).toBe(0);
    r1();
    expect(s.available).toBe(1);
  });
});
