// The trace writer's thread (see worker-trace-writer.ts): opens its own
// connection to the store, then for each batch redacts, hashes and inserts it
// in one transaction, and answers {id, ok}. Batches are written one at a time,
// in the order they arrive; a trace that cannot be stored fails alone, and a
// batch the store did not take because it did not answer is tried again.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { keepingFrom, toTraceRecord } from './record.js';
import { writeTraceBatch } from './write-trace-batch.js';
import type { TraceWorkerData, TraceWorkerReply, TraceWorkerRequest } from './worker-trace-writer.js';

const port = parentPort;
if (!port) throw new Error('trace-worker.js runs on a worker thread');

/**
 * Writing traces can wait; answering requests cannot. On Linux this thread
 * lowers its own scheduling priority (its thread id is the last part of
 * /proc/thread-self), so when the cores are busy the event loop comes first.
 * Elsewhere it keeps the process's priority.
 */
function yieldToTheGateway(): void {
  try {
    setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
  } catch {
    // not Linux, or not allowed: the thread keeps the process's priority
  }
}
yieldToTheGateway();
const data = workerData as TraceWorkerData;
const keeping = keepingFrom(data.keeping);
let opened: Promise<Store> | null = null;
let closing = false;
let queue: Promise<void> = Promise.resolve();
/** Ends the wait before the next retry at once (a close must not wait out a 30 s backoff). */
let wakeRetry: (() => void) | undefined;

function backoff(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      wakeRetry = undefined;
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakeRetry = done;
  });
}

/** The store connection, opened on first use and again after an attempt to open it failed (the store may come back). */
function connection(): Promise<Store> {
  if (opened) return opened;
  const attempt = openStore(data.storeUrl, data.projectDir);
  opened = attempt;
  attempt.catch(() => {
    if (opened === attempt) opened = null;
  });
  return attempt;
}
void connection().catch(() => {}); // connect early; a failure is reported with the first batch that needs it

/**
 * Waits before each retry of a batch the store did not take because it did
 * not answer (a reset connection, a restarting database): about a minute in
 * all, so a store that comes back within it loses nothing. After the last, the
 * batch is reported as given up (and counted).
 */
const RETRY_DELAYS_MS = [250, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

async function store(m: Extract<TraceWorkerRequest, { type: 'write' }>): Promise<TraceWorkerReply> {
  const delays = data.retryDelaysMs ?? RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const db = await connection();
      const out = await writeTraceBatch(
        {
          insert: (rows) => db.transaction((tx) => tx.insertTraces(rows)),
          reachable: async () => {
            await db.routeStateVersion();
            return true;
          },
        },
        m.batch,
        (t) => toTraceRecord(t, keeping),
      );
      return { id: m.id, ok: true, ...(out.failed > 0 ? { failed: out.failed, message: out.reason ?? '' } : {}) };
    } catch (e) {
      // Once asked to close, a failing store gets one try per batch: shutdown must not wait out every retry.
      const delay = closing ? undefined : delays[attempt];
      if (delay === undefined) return { id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) };
      await backoff(delay);
    }
  }
}

async function handle(m: TraceWorkerRequest): Promise<TraceWorkerReply | undefined> {
  if (m.type === 'write') return store(m);
  await (await opened?.catch(() => undefined))?.close();
  port!.close();
  return undefined;
}

port.on('message', (m: TraceWorkerRequest) => {
  if (m.type === 'close') {
    closing = true;
    wakeRetry?.();
  }
  queue = queue.then(async () => {
    const reply = await handle(m);
    if (reply) port.postMessage(reply);
  });
});
