import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RawTrace } from './record.js';
import type { TraceWriter } from './trace-writer.js';

export interface TraceWorkerData {
  readonly storeUrl: string;
  readonly projectDir: string;
}

export type TraceWorkerRequest = { type: 'write'; id: number; batch: readonly RawTrace[] } | { type: 'close' };
export type TraceWorkerReply = { id: number; ok: true } | { id: number; ok: false; message: string };

const WORKER_URL = new URL('./trace-worker.js', import.meta.url);

/** The worker's heap: batches pass through it, nothing stays, so a small young generation keeps it lean. */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4 };

interface Waiting {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * Writes trace batches on a worker thread with its own store connection, so
 * redaction, hashing and the inserts (synchronous in SQLite) never hold up the
 * gateway's event loop. A worker that fails fails the batches in flight (the
 * trace queue keeps and retries them) and is started again on the next write.
 */
export class WorkerTraceWriter implements TraceWriter {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;

  constructor(
    private readonly data: TraceWorkerData,
    private readonly url: URL = WORKER_URL,
  ) {}

  /** Whether the built worker is there (it is not when running from the TypeScript sources). */
  static available(url: URL = WORKER_URL): boolean {
    return url.protocol === 'file:' && existsSync(fileURLToPath(url));
  }

  write(batch: readonly RawTrace[]): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ type: 'write', id, batch } satisfies TraceWorkerRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies TraceWorkerRequest);
    await exited;
  }

  private start(): Worker {
    // Kept referenced: a process must not end while batches are still with the thread (close() ends it).
    const worker = new Worker(this.url, { workerData: this.data, execArgv: [], resourceLimits: RESOURCE_LIMITS });
    worker.on('message', (m: TraceWorkerReply) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve();
      else w?.reject(new Error(`writing traces: ${m.message}`));
    });
    const fail = (e: Error): void => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    worker.on('error', (e) => fail(new Error(`the trace writer thread failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`the trace writer thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
