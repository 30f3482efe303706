// Weight attestation budget: hashing a 2 GiB model (8 × 256 MiB files, page
// cache warm), Sluice's attestWeights runs at >= 1.5x the throughput of
// `openssl dgst -sha256` run over the same files one after another.
//
// The files are made once in os.tmpdir() and deleted at the end; set
// SLUICE_BENCH_KEEP=1 to keep them for the next run. SLUICE_BENCH_CHUNK_MB
// sets the read buffer per worker (default: Sluice's default, 4 MiB), and
// SLUICE_BENCH_ROUNDS the rounds (default 5; the best of each side counts,
// being the least disturbed by whatever else the machine runs).
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { attestWeights } from '../dist/release/weights/attest.js';
import { DEFAULT_CHUNK_BYTES } from '../dist/release/weights/hash-worker.js';
import { median, report, row } from './support.js';

const FILES = 8;
const FILE_BYTES = 256 * 2 ** 20;
const TOTAL = FILES * FILE_BYTES;
const ROUNDS = Number(process.env.SLUICE_BENCH_ROUNDS ?? 5);
const GB = 1e9;

const dir = join(tmpdir(), 'sluice-bench-weights');
const keep = process.env.SLUICE_BENCH_KEEP === '1';
const chunkMb = process.env.SLUICE_BENCH_CHUNK_MB ? Number(process.env.SLUICE_BENCH_CHUNK_MB) : undefined;
const files = Array.from({ length: FILES }, (_, i) =>
  join(dir, `model-${String(i).padStart(5, '0')}-of-${String(FILES).padStart(5, '0')}.safetensors`),
);

// 1. Random content, written once (reused when a previous run kept it).
mkdirSync(dir, { recursive: true });
const block = Buffer.allocUnsafe(16 * 2 ** 20);
for (const f of files) {
  if (existsSync(f) && statSync(f).size === FILE_BYTES) continue;
  const fd = openSync(f, 'w');
  for (let written = 0; written < FILE_BYTES; written += block.length) writeSync(fd, randomFillSync(block));
  closeSync(fd);
}

// 2. Warm the page cache: read every file once.
const sink = Buffer.allocUnsafe(8 * 2 ** 20);
for (const f of files) {
  const fd = openSync(f, 'r');
  while (readSync(fd, sink, 0, sink.length, null) > 0);
  closeSync(fd);
}

// 3. Side by side, alternating, best of ROUNDS each.
const options = chunkMb ? { chunkBytes: Math.round(chunkMb * 2 ** 20) } : {};
const sluiceSeconds = [];
const opensslSeconds = [];
let rootDigest;
for (let r = 0; r < ROUNDS; r++) {
  let t = process.hrtime.bigint();
  const a = await attestWeights(dir, options);
  sluiceSeconds.push(Number(process.hrtime.bigint() - t) / 1e9);
  if (a.bytes !== TOTAL || a.files !== FILES)
    throw new Error(`attestWeights hashed ${a.files} files, ${a.bytes} bytes`);
  rootDigest = a.rootDigest;

  t = process.hrtime.bigint();
  for (const f of files) {
    const p = spawnSync('openssl', ['dgst', '-sha256', f], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`openssl dgst failed: ${p.stderr}`);
  }
  opensslSeconds.push(Number(process.hrtime.bigint() - t) / 1e9);
}

if (!keep) rmSync(dir, { recursive: true, force: true });

const round2 = (x) => Math.round(x * 100) / 100;
const sluiceGbs = TOTAL / GB / Math.min(...sluiceSeconds);
const opensslGbs = TOTAL / GB / Math.min(...opensslSeconds);
const ratio = sluiceGbs / opensslGbs;
process.stderr.write(
  `weights: ${FILES} × ${FILE_BYTES / 2 ** 20} MiB, ${availableParallelism()} cores, chunk ${chunkMb ?? `${DEFAULT_CHUNK_BYTES / 2 ** 20} (default)`} MiB, root ${rootDigest}\n` +
    `  sluice  s: ${sluiceSeconds.map(round2).join(', ')} (median ${round2(median(sluiceSeconds))})\n` +
    `  openssl s: ${opensslSeconds.map(round2).join(', ')} (median ${round2(median(opensslSeconds))})\n`,
);
report([
  row(
    `sluice attestWeights, 2 GiB in ${FILES} files, warm cache (best of ${ROUNDS})`,
    round2(sluiceGbs),
    'GB/s',
    null,
    null,
  ),
  row(`openssl dgst -sha256, same files one after another (best of ${ROUNDS})`, round2(opensslGbs), 'GB/s', null, null),
  row('sluice / openssl throughput', round2(ratio), 'x', '>= 1.5x', ratio >= 1.5),
]);
