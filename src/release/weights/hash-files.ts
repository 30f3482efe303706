import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { badInput, SluiceError } from '../../kernel/errors.js';
import {
  DEFAULT_CHUNK_BYTES,
  hashFile,
  type FileDigest,
  type HashReply,
  type HashRequest,
  type HashWorkerData,
} from './hash-worker.js';

/**
 * Hashes many files on a pool of worker threads, one per core.
 *
 * A file's digest is SHA-256 of the whole file, a strictly sequential
 * computation, so the unit of work is a file: they are handed out largest
 * first, each to the next worker that comes free (longest-processing-time
 * scheduling), which keeps every core busy until the last big file is done.
 * One huge file cannot be split; its digest takes one core's time.
 */

export interface FileToHash {
  /** Name used in errors (the manifest's relative path). */
  name: string;
  /** Absolute path to read. */
  path: string;
  /** Size when listed: only orders the work. */
  size: number;
}

export interface HashFilesOptions {
  /** Worker threads at most (default: os.availableParallelism()). */
  concurrency?: number;
  /** Read buffer per worker in bytes (default 4 MiB). */
  chunkBytes?: number;
  /**
   * The worker script. Default: hash-worker.js beside this module, which
   * exists in the build (dist/); when it does not (running from the .ts
   * sources under a test runner), hashing runs in-process on the main thread.
   * 'in-process' forces that.
   */
  worker?: URL | 'in-process';
  /** Totals below this many bytes are hashed in-process: starting workers would take longer (default 16 MiB). */
  inProcessBelowBytes?: number;
}

const WORKER_URL = new URL('./hash-worker.js', import.meta.url);

/** The built worker script beside this module, if there is one. */
export function builtWorkerUrl(): URL | undefined {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL)) ? WORKER_URL : undefined;
}

/** Digests in the order of `files`. */
export async function hashFiles(files: readonly FileToHash[], options: HashFilesOptions = {}): Promise<FileDigest[]> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 4096)
    throw badInput(`chunk size must be an integer of at least 4096 bytes, got ${chunkBytes}`);
  if (files.length === 0) return [];
  const total = files.reduce((s, f) => s + f.size, 0);
  const worker =
    options.worker === 'in-process' || total < (options.inProcessBelowBytes ?? 16 * 2 ** 20)
      ? undefined
      : (options.worker ?? builtWorkerUrl());
  const order = largestFirst(files);
  if (!worker) return hashInProcess(files, order, chunkBytes);
  const threads = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), files.length));
  return hashOnWorkers(files, order, threads, worker, chunkBytes);
}

/** Indexes of `files`, largest first; ties keep their order so the schedule is reproducible. */
export function largestFirst(files: readonly { size: number }[]): number[] {
  return files.map((_, i) => i).sort((a, b) => files[b]!.size - files[a]!.size || a - b);
}

async function hashInProcess(
  files: readonly FileToHash[],
  order: readonly number[],
  chunkBytes: number,
): Promise<FileDigest[]> {
  const buf = Buffer.allocUnsafeSlow(chunkBytes);
  const out = new Array<FileDigest>(files.length);
  for (const i of order) {
    const f = files[i]!;
    try {
      out[i] = await hashFile(f.path, buf);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw readError(f, err.code, err.message);
    }
  }
  return out;
}

async function hashOnWorkers(
  files: readonly FileToHash[],
  order: readonly number[],
  threads: number,
  url: URL,
  chunkBytes: number,
): Promise<FileDigest[]> {
  const out = new Array<FileDigest>(files.length);
  const data: HashWorkerData = { sluiceHashWorker: true, chunkBytes };
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;

  const finished = new Promise<FileDigest[]>((resolve, reject) => {
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    const feed = (w: Worker) => {
      if (settled || next >= order.length) return;
      const id = order[next++]!;
      const req: HashRequest = { id, path: files[id]!.path };
      w.postMessage(req);
    };
    for (let t = 0; t < threads; t++) {
      // No inherited node flags: the worker needs none, and some (--input-type,
      // --eval) are refused in workers.
      const w = new Worker(url, { workerData: data, execArgv: [] });
      workers.push(w);
      w.on('message', (reply: HashReply) => {
        if (settled) return;
        const f = files[reply.id]!;
        if (!reply.ok) return fail(readError(f, reply.errno, reply.message));
        out[reply.id] = { digest: reply.digest, bytes: reply.bytes };
        if (++done === files.length) {
          settled = true;
          resolve(out);
        } else {
          feed(w);
        }
      });
      w.on('error', (e) => fail(new SluiceError('internal', `a hash worker failed: ${e.message}`, { cause: e })));
      w.on('exit', (code) => fail(new SluiceError('internal', `a hash worker stopped early (exit code ${code})`)));
      feed(w);
    }
  });

  try {
    return await finished;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function readError(f: FileToHash, errno: string | undefined, message: string): SluiceError {
  if (errno === 'ELOOP') {
    return badInput(
      `model file ${f.name} became a symbolic link while it was being hashed (symlinks are not allowed)`,
      { file: f.path },
    );
  }
  if (errno === 'ENOENT')
    return badInput(`model file ${f.name} disappeared while the model was being hashed`, { file: f.path });
  return badInput(`cannot read model file ${f.name}: ${message}`, { file: f.path });
}
