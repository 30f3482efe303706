import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkPage, type LeafInput, type PageResult } from './check-leaf.js';

export type PageChecker = (page: readonly LeafInput[]) => Promise<PageResult>;

const WORKER_URL = new URL('./verify-worker.js', import.meta.url);

/** Checks pages on the calling thread. */
export function inProcessChecker(keys: ReadonlyMap<string, KeyObject>): { check: PageChecker; close(): Promise<void> } {
  return { check: async (page) => checkPage(page, keys), close: async () => {} };
}

/**
 * Checks pages on worker threads, one per core: Ed25519 verification is the
 * cost of a full verify. Results come back per page, in the order asked. Falls
 * back to the calling thread when the built worker is not there (running from
 * the TypeScript sources).
 */
export function workerChecker(
  keys: ReadonlyMap<string, KeyObject>,
  threads = availableParallelism(),
): { check: PageChecker; close(): Promise<void> } {
  if (WORKER_URL.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER_URL)) || threads < 2)
    return inProcessChecker(keys);
  const pems = [...keys.values()].map((k) => k.export({ format: 'pem', type: 'spki' }).toString());
  const waiting = new Map<number, (r: PageResult) => void>();
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(WORKER_URL, { workerData: { sluiceVerifyWorker: true, keys: pems }, execArgv: [] });
    w.on('message', (m: { id: number; result: PageResult }) => {
      waiting.get(m.id)?.(m.result);
      waiting.delete(m.id);
    });
    return w;
  });
  let next = 0;
  return {
    check: (page) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        workers[id % workers.length]!.postMessage({ id, page });
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
