export interface BatchQueueOptions {
  /** Most items held; past it new items are dropped (and counted). Default 10,000. */
  readonly capacity?: number;
  /** Most items per write. Default 500. */
  readonly batchSize?: number;
  /** How long an item may wait for a batch to fill. Default 200 ms. */
  readonly flushMs?: number;
  /** Called with the number of items dropped by a full queue. */
  readonly onDrop?: (n: number) => void;
  /** A failed write (its items are put back while there is room, and retried). */
  readonly onError?: (e: unknown) => void;
}

export const DEFAULT_QUEUE_CAPACITY = 10_000;

/**
 * A bounded queue drained in batches by one writer at a time, off the request
 * path: `push` never waits and never throws. `close` writes everything still
 * queued, so a graceful shutdown loses nothing.
 */
export class BatchQueue<T> {
  private queue: T[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private droppedCount = 0;
  private closed = false;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly flushMs: number;

  constructor(
    private readonly write: (batch: readonly T[]) => Promise<void>,
    private readonly opts: BatchQueueOptions = {},
  ) {
    this.capacity = opts.capacity ?? DEFAULT_QUEUE_CAPACITY;
    this.batchSize = opts.batchSize ?? 500;
    this.flushMs = opts.flushMs ?? 200;
  }

  /** Queues an item; false (and counted as dropped) when the queue is full or closed. */
  push(item: T): boolean {
    if (this.closed || this.queue.length >= this.capacity) {
      this.droppedCount++;
      this.opts.onDrop?.(1);
      return false;
    }
    this.queue.push(item);
    if (this.queue.length >= this.batchSize && !this.writing) this.kick(0);
    else if (!this.timer && !this.writing) this.kick(this.flushMs);
    return true;
  }

  get depth(): number {
    return this.queue.length;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Writes everything queued now; rejects if a write fails (its items stay queued). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.writing !== null) await this.writing.catch(() => {});
      if (this.queue.length === 0) return;
      await this.drainOnce(true);
    }
  }

  /** Refuses new items and writes the rest. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private kick(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drainOnce(false).catch(() => {});
    }, delayMs);
    this.timer.unref();
  }

  /** One batch; on failure the batch goes back to the front, and a background drain retries later. */
  private drainOnce(rethrow: boolean): Promise<void> {
    if (this.writing !== null) return this.writing;
    const batch = this.queue.splice(0, this.batchSize);
    if (batch.length === 0) return Promise.resolve();
    const p = (async () => {
      try {
        await this.write(batch);
      } catch (e) {
        const room = Math.max(0, this.capacity - this.queue.length);
        if (room < batch.length) {
          this.droppedCount += batch.length - room;
          this.opts.onDrop?.(batch.length - room);
        }
        this.queue = [...batch.slice(0, room), ...this.queue];
        this.opts.onError?.(e);
        if (!this.closed) this.kick(Math.max(this.flushMs, 1000));
        if (rethrow) throw e;
        return;
      } finally {
        this.writing = null;
      }
      if (this.queue.length >= this.batchSize) this.kick(0);
      else if (this.queue.length > 0 && !this.timer) this.kick(this.flushMs);
    })();
    this.writing = p;
    return p;
  }
}
