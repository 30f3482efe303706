import { createHash } from 'node:crypto';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * Hashing one model file: SHA-256 of the whole file, read in chunks into one
 * reused buffer, so memory stays at one buffer per worker whatever the file
 * size. Imports only node built-ins: as a worker-thread script it runs from
 * dist/ without any loader.
 *
 * The same module serves the main thread (the in-process fallback imports
 * `hashFile`); the worker loop below starts only in a worker whose workerData
 * carries the marker.
 */

/** Chunk size for reads; see bench/weights.bench.js for how it was chosen. */
export const DEFAULT_CHUNK_BYTES = 4 * 2 ** 20;

/** workerData of a hash worker. */
export interface HashWorkerData {
  sluiceHashWorker: true;
  chunkBytes: number;
}

export interface HashRequest {
  id: number;
  path: string;
}

export type HashReply =
  | { id: number; ok: true; digest: string; bytes: number }
  | { id: number; ok: false; errno: string | undefined; message: string };

export interface FileDigest {
  /** Lowercase hex SHA-256 of the whole file. */
  digest: string;
  /** Bytes read. */
  bytes: number;
}

// O_NOFOLLOW: a file swapped for a symlink after the folder was listed fails
// to open (ELOOP) instead of being followed. Not defined on Windows.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** Blocking version, for worker threads where blocking costs nothing. */
export function hashFileSync(path: string, buf: Buffer): FileDigest {
  const fd = openSync(path, OPEN_FLAGS);
  try {
    const h = createHash('sha256');
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(n === buf.length ? buf : buf.subarray(0, n));
      bytes += n;
    }
    return { digest: h.digest('hex'), bytes };
  } finally {
    closeSync(fd);
  }
}

/** Non-blocking version, for the main thread. */
export async function hashFile(path: string, buf: Buffer): Promise<FileDigest> {
  const fh = await open(path, OPEN_FLAGS);
  try {
    const h = createHash('sha256');
    let bytes = 0;
    for (;;) {
      const { bytesRead: n } = await fh.read(buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(n === buf.length ? buf : buf.subarray(0, n));
      bytes += n;
    }
    return { digest: h.digest('hex'), bytes };
  } finally {
    await fh.close();
  }
}

function isHashWorkerData(v: unknown): v is HashWorkerData {
  return typeof v === 'object' && v !== null && (v as HashWorkerData).sluiceHashWorker === true;
}

if (!isMainThread && parentPort && isHashWorkerData(workerData)) {
  const port = parentPort;
  const buf = Buffer.allocUnsafeSlow(Math.max(4096, Math.floor(workerData.chunkBytes)));
  port.on('message', (req: HashRequest) => {
    let reply: HashReply;
    try {
      reply = { id: req.id, ok: true, ...hashFileSync(req.path, buf) };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      reply = { id: req.id, ok: false, errno: err.code, message: err.message };
    }
    port.postMessage(reply);
  });
}
