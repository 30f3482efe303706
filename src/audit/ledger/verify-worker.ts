import { createPublicKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { keyIdOf } from '../envelope/signing-key.js';
import { checkPage, type LeafInput } from './check-leaf.js';

// A verification worker: receives pages of leaves, answers with their hashes or the first failure.
const data = workerData as { sluiceVerifyWorker?: boolean; keys: string[] } | undefined;
if (parentPort && data?.sluiceVerifyWorker) {
  const keys = new Map(
    data.keys.map((pem) => {
      const k = createPublicKey(pem);
      return [keyIdOf(k), k] as const;
    }),
  );
  const port = parentPort;
  port.on('message', (msg: { id: number; page: LeafInput[] }) => {
    port.postMessage({ id: msg.id, result: checkPage(msg.page, keys) });
  });
}
