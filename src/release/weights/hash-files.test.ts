import { randomBytes } from 'node:crypto';
import { rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../kernel/errors.js';
import { builtWorkerUrl, hashFiles, largestFirst, type FileToHash, type HashFilesOptions } from './hash-files.js';
import {
  compiledWorkerUrl,
  modelFolder,
  removeTempFolders,
  sha256Hex,
  tempFolder,
} from './test-support/model-folders.js';

afterAll(removeTempFolders);

let workerUrl: URL;
beforeAll(() => {
  workerUrl = compiledWorkerUrl();
});

function jobs(root: string, names: string[]): FileToHash[] {
  return names.map((name) => {
    const path = join(root, ...name.split('/'));
    return { name, path, size: statSync(path).size };
  });
}

async function rejection(p: Promise<unknown>): Promise<SluiceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    return e as SluiceError;
  }
  throw new Error('expected a rejection');
}

describe('hashFiles', () => {
  it('finds no built worker beside the .ts sources, so hashing falls back to in-process', () => {
    expect(builtWorkerUrl()).toBeUndefined();
  });

  // Contents sized around the chunk boundaries: empty, one byte, exactly one
  // chunk, one chunk and a byte, several chunks.
  const chunk = 4096;
  const contents: Record<string, Buffer> = {
    empty: Buffer.alloc(0),
    one: Buffer.from('x'),
    exact: randomBytes(chunk),
    over: randomBytes(chunk + 1),
    many: randomBytes(chunk * 7 + 123),
    'nested/dir/big': randomBytes(300_000),
  };

  const modes: [string, () => HashFilesOptions][] = [
    ['in-process', () => ({ worker: 'in-process', chunkBytes: chunk })],
    ['on worker threads', () => ({ worker: workerUrl, inProcessBelowBytes: 0, chunkBytes: chunk })],
    ['on one worker thread', () => ({ worker: workerUrl, inProcessBelowBytes: 0, chunkBytes: chunk, concurrency: 1 })],
  ];

  for (const [mode, options] of modes) {
    it(`returns SHA-256 of each whole file, in input order (${mode})`, async () => {
      const root = modelFolder(contents);
      const names = Object.keys(contents);
      const out = await hashFiles(jobs(root, names), options());
      expect(out).toEqual(names.map((n) => ({ digest: sha256Hex(contents[n]!), bytes: contents[n]!.length })));
    });

    it(`reports a file that cannot be read with bad_input naming it (${mode})`, async () => {
      const root = modelFolder({ a: 'a', b: 'b' });
      const list = jobs(root, ['a', 'b']);
      rmSync(join(root, 'b'));
      const e = await rejection(hashFiles(list, options()));
      expect(e.code).toBe('bad_input');
      expect(e.message).toContain('model file b disappeared');
    });

    it(`will not follow a file swapped for a symlink after listing (${mode})`, async () => {
      const root = modelFolder({ a: 'a', target: 't' });
      const list = jobs(root, ['a']);
      unlinkSync(join(root, 'a'));
      symlinkSync(join(root, 'target'), join(root, 'a'));
      const e = await rejection(hashFiles(list, options()));
      expect(e.code).toBe('bad_input');
      expect(e.message).toContain('model file a became a symbolic link');
    });
  }

  it('spreads many files over the workers and still answers in input order', async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 60; i++) files[`f${String(i).padStart(2, '0')}`] = randomBytes(1 + ((i * 7919) % 20_000));
    const root = modelFolder(files);
    const names = Object.keys(files);
    const out = await hashFiles(jobs(root, names), {
      worker: workerUrl,
      inProcessBelowBytes: 0,
      concurrency: 3,
      chunkBytes: 4096,
    });
    expect(out.map((d) => d.digest)).toEqual(names.map((n) => sha256Hex(files[n]!)));
  });

  it('hashes small totals in-process even when a worker is given', async () => {
    // A worker URL that does not exist would fail if it were started.
    const root = modelFolder({ a: 'abc' });
    const out = await hashFiles(jobs(root, ['a']), { worker: new URL('file:///nonexistent/worker.js') });
    expect(out).toEqual([{ digest: sha256Hex('abc'), bytes: 3 }]);
  });

  it('a worker that crashes or exits fails the run with an internal error instead of hanging', async () => {
    const root = modelFolder({ a: 'a', b: 'b' });
    const dir = tempFolder('sluice-weights-bad-worker-');
    writeFileSync(
      join(dir, 'throws.mjs'),
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('boom'); });\n",
    );
    writeFileSync(
      join(dir, 'exits.mjs'),
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n",
    );
    const opts = (f: string): HashFilesOptions => ({ worker: pathToFileURL(join(dir, f)), inProcessBelowBytes: 0 });
    const e1 = await rejection(hashFiles(jobs(root, ['a', 'b']), opts('throws.mjs')));
    expect(e1.code).toBe('internal');
    expect(e1.message).toContain('boom');
    const e2 = await rejection(hashFiles(jobs(root, ['a', 'b']), opts('exits.mjs')));
    expect(e2.code).toBe('internal');
    expect(e2.message).toContain('exit code 3');
  });

  it('schedules files largest first, ties in listing order', () => {
    expect(largestFirst([{ size: 5 }, { size: 100 }, { size: 0 }, { size: 100 }, { size: 7 }])).toEqual([
      1, 3, 4, 0, 2,
    ]);
  });

  it('refuses a chunk size below 4096 bytes', async () => {
    const e = await rejection(hashFiles([], { chunkBytes: 100 }));
    expect(e.code).toBe('bad_input');
  });

  it('returns nothing for no files', async () => {
    expect(await hashFiles([], { worker: workerUrl })).toEqual([]);
  });
});
