import { describe, expect, it } from 'vitest';
import { BatchQueue } from './batch-queue.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('BatchQueue', () => {
  it('writes in batches off the caller, and flush writes what is queued', async () => {
    const batches: number[][] = [];
    const sink = new BatchQueue<number>(async (b) => void batches.push([...b]), { batchSize: 3, flushMs: 60_000 });
    for (let i = 0; i < 7; i++) expect(sink.push(i)).toBe(true);
    expect(batches).toEqual([]); // push never writes inline
    await tick();
    expect(batches[0]).toEqual([0, 1, 2]);
    await sink.flush();
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(batches.every((b) => b.length <= 3)).toBe(true);
    expect(sink.depth).toBe(0);
  });

  it('writes a partial batch after flushMs', async () => {
    const written: number[] = [];
    const sink = new BatchQueue<number>(async (b) => void written.push(...b), { batchSize: 100, flushMs: 5 });
    sink.push(1);
    await expect.poll(() => written).toEqual([1]);
    await sink.close();
  });

  it('drops past its capacity and counts the drops', async () => {
    let release = (): void => {};
    const gate = new Promise<void>((r) => (release = r));
    const written: number[] = [];
    const dropped: number[] = [];
    const sink = new BatchQueue<number>(
      async (b) => {
        await gate;
        written.push(...b);
      },
      { capacity: 3, batchSize: 2, flushMs: 1, onDrop: (n) => dropped.push(n) },
    );
    for (let i = 0; i < 3; i++) sink.push(i);
    await tick(); // the first batch [0, 1] is now being written, [2] waits
    for (let i = 3; i < 8; i++) sink.push(i); // room for two more
    expect(sink.dropped).toBe(3);
    expect(dropped).toEqual([1, 1, 1]);
    release();
    await sink.close();
    expect(written).toEqual([0, 1, 2, 3, 4]);
    expect(sink.push(9)).toBe(false);
  });

  it('keeps a failed batch and writes it on the next try; flush reports the failure', async () => {
    let fail = true;
    const written: number[] = [];
    const errors: unknown[] = [];
    const sink = new BatchQueue<number>(
      async (b) => {
        if (fail) throw new Error('store down');
        written.push(...b);
      },
      { batchSize: 10, flushMs: 60_000, onError: (e) => errors.push(e) },
    );
    sink.push(1);
    sink.push(2);
    await expect(sink.flush()).rejects.toThrow('store down');
    expect(sink.depth).toBe(2);
    fail = false;
    sink.push(3);
    await sink.close();
    expect(written).toEqual([1, 2, 3]);
    expect(errors).toHaveLength(1);
  });
});
