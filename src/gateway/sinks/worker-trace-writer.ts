import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { keepingData, type RawTrace, type TraceKeeping, type TraceKeepingData } from './record.js';
import type { TraceWriter, TraceWriterEvents } from './trace-writer.js';

export interface TraceWorkerData {
  readonly storeUrl: string;
  readonly projectDir: string;
  /** How content is redacted and sticky keys hashed. */
  readonly keeping: TraceKeepingData;
  /** The waits before each retry of a batch the store did not answer for (default trace-worker.ts's RETRY_DELAYS_MS). */
  readonly retryDelaysMs?: readonly number[];
}

export type TraceWorkerRequest = { type: 'write'; id: number; batch: readonly RawTrace[] } | { type: 'close' };
/** A batch stored (but for `failed` traces that could not be, and why), or given up on after the thread's own retries. */
export type TraceWorkerReply =
  | { id: number; ok: true; failed?: number; message?: string }
  | { id: number; ok: false; message: string };

const WORKER_URL = new URL('./trace-worker.js', import.meta.url);

/** The worker's heap: batches pass through it, nothing stays, so a small young generation keeps it lean. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4 };

/** Traces handed to the thread and not yet stored, past which `write` waits for it. */
export const DEFAULT_MAX_BACKLOG = 5_000;

export interface WorkerTraceWriterOptions extends Omit<TraceWorkerData, 'keeping'>, TraceWriterEvents {
  readonly keeping: TraceKeeping;
  readonly maxBacklog?: number;
}

interface Handed {
  readonly size: number;
  readonly stored: () => void;
}

/**
 * Writes trace batches on a worker thread with its own store connection, so
 * redaction, hashing and the inserts (synchronous in SQLite) never hold up the
 * gateway's event loop. A batch is handed over at once (copied to the thread,
 * so nothing of it stays on this heap); only when the thread is more than
 * `maxBacklog` traces behind does `write` wait for it, which makes the trace
 * queue fill and drop instead of memory growing. The thread retries a batch
 * the store did not answer for itself; one it gives up on, or that dies with
 * the thread, is counted as dropped. A trace that cannot be stored fails
 * alone (counted by `onFailed`): the rest of its batch is stored. A dead thread is started again on the next write.
 */
export class WorkerTraceWriter implements TraceWriter {
  private worker: Worker | null = null;
  private readonly handed = new Map<number, Handed>();
  private backlog = 0;
  private next = 0;
  /** flush() callers, each waiting for the batches handed over before it was called. */
  private waiting: { readonly before: number; readonly resolve: () => void }[] = [];

  constructor(
    private readonly opts: WorkerTraceWriterOptions,
    private readonly url: URL = WORKER_URL,
  ) {}

  /** Whether the built worker is there (it is not when running from the TypeScript sources). */
  static available(url: URL = WORKER_URL): boolean {
    return url.protocol === 'file:' && existsSync(fileURLToPath(url));
  }

  write(batch: readonly RawTrace[]): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = this.next++;
    const stored = new Promise<void>((resolve) => this.handed.set(id, { size: batch.length, stored: resolve }));
    this.backlog += batch.length;
    worker.postMessage({ type: 'write', id, batch } satisfies TraceWorkerRequest);
    return this.backlog > (this.opts.maxBacklog ?? DEFAULT_MAX_BACKLOG) ? stored : Promise.resolve();
  }

  /** Resolves when every batch handed over so far is stored or given up on (later batches are not waited for). */
  flush(): Promise<void> {
    const before = this.next;
    if (this.oldestHanded() >= before) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiting.push({ before, resolve }));
  }

  /** Writes what was handed over (a failing store gets one more try per batch, not the retries), then ends the thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies TraceWorkerRequest); // after the batches, which the thread takes in order
    await exited;
    const lost = new Error('the trace writer thread stopped before storing a batch');
    for (const id of [...this.handed.keys()]) this.settle(id, lost);
  }

  private settle(id: number, failure?: Error): void {
    const h = this.handed.get(id);
    if (!h) return;
    this.handed.delete(id);
    this.backlog -= h.size;
    if (failure) {
      this.opts.onDrop(h.size);
      this.opts.onError(failure);
    }
    h.stored();
    if (this.waiting.length === 0) return;
    const oldest = this.oldestHanded();
    const done = this.waiting.filter((w) => w.before <= oldest);
    if (done.length === 0) return;
    this.waiting = this.waiting.filter((w) => w.before > oldest);
    for (const w of done) w.resolve();
  }

  /** The id of the oldest batch still with the thread (ids only grow and a Map keeps insertion order), or Infinity. */
  private oldestHanded(): number {
    const first = this.handed.keys().next();
    return first.done ? Infinity : first.value;
  }

  private start(): Worker {
    // Kept referenced: a process must not end while batches are still with the thread (close() ends it).
    const worker = new Worker(this.url, {
      workerData: {
        storeUrl: this.opts.storeUrl,
        projectDir: this.opts.projectDir,
        keeping: keepingData(this.opts.keeping),
        ...(this.opts.retryDelaysMs ? { retryDelaysMs: this.opts.retryDelaysMs } : {}),
      } satisfies TraceWorkerData,
      execArgv: [],
      resourceLimits: RESOURCE_LIMITS,
    });
    worker.on('message', (m: TraceWorkerReply) => {
      if (m.ok && m.failed) {
        this.opts.onFailed?.(m.failed);
        this.opts.onError(new Error(`writing traces: ${m.failed} left out of a stored batch: ${m.message ?? ''}`));
      }
      this.settle(m.id, m.ok ? undefined : new Error(`writing traces: ${m.message}`));
    });
    const fail = (e: Error): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      for (const id of [...this.handed.keys()]) this.settle(id, e);
    };
    worker.on('error', (e) => fail(new Error(`the trace writer thread failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`the trace writer thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
