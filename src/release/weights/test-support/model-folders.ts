import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from '../../../kernel/test-support/temp-dir.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const made: string[] = [];

/** A fresh temporary folder, removed by `removeTempFolders`. */
export function tempFolder(prefix = 'sluice-weights-'): string {
  const dir = tempDir(prefix);
  made.push(dir);
  return dir;
}

export function removeTempFolders(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes files (relative POSIX path -> content) under a new folder named `name` in a temp folder. */
export function modelFolder(files: Record<string, string | Buffer>, name = 'model'): string {
  const root = join(tempFolder(), name);
  mkdirSync(root);
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, ...rel.split('/'));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** Digests computed here, independently of the code under test. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function rootOf(digestsInOrder: readonly string[]): string {
  const h = createHash('sha256');
  for (const d of digestsInOrder) h.update(Buffer.from(d, 'hex'));
  return h.digest('hex');
}

/**
 * The hash worker compiled to JavaScript in a temp folder, so tests running
 * the .ts sources can start real worker threads. The worker imports only node
 * built-ins, so compiling the one file is enough.
 */
export function compiledWorkerUrl(): URL {
  const out = tempFolder('sluice-weights-worker-');
  const tsconfig = join(out, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
        rootDir: join(REPO_ROOT, 'src/release/weights'),
        outDir: out,
      },
      files: [join(REPO_ROOT, 'src/release/weights/hash-worker.ts')],
    }),
  );
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], {
    stdio: 'pipe',
    timeout: 120_000,
  });
  // The emitted file is an ES module; a package.json says so to node.
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  const worker = join(out, 'hash-worker.js');
  if (!existsSync(worker)) throw new Error(`compiling the hash worker produced no ${worker}`);
  return pathToFileURL(worker);
}
