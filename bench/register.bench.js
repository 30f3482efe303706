// Register budgets: a 50 MB suite registers in <= 1 s; canonicalizing and hashing
// 1 MB of JSON takes <= 50 ms; `sluice --help` prints in <= 300 ms.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProjectConfig } from '../dist/config/load-config.js';
import { canonicalBytes } from '../dist/kernel/canonical-json.js';
import { systemClock } from '../dist/kernel/clock.js';
import { sha256Digest } from '../dist/kernel/digest.js';
import { registerRelease } from '../dist/release/register.js';
import { openStore } from '../dist/store/open-store.js';
import { median, ms, report, row } from './support.js';
import { DATASET_CHECKS } from '../dist/app/cli/dataset-checks.js';

const root = join(import.meta.dirname, '..');
const rows = [];

// 1. Register with a 50 MB suite.
const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
cpSync(join(root, 'examples/starter'), dir, { recursive: true });
const line = (i) =>
  JSON.stringify({ id: `item-${i}`, slice: `s/${i % 20}`, input: 'x'.repeat(400), reference: 'y'.repeat(100) });
const lines = [];
let size = 0;
for (let i = 0; size < 50 * 2 ** 20; i++) {
  const l = line(i);
  lines.push(l);
  size += l.length + 1;
}
writeFileSync(join(dir, 'suites/support.jsonl'), `${lines.join('\n')}\n`);
const config = loadProjectConfig(dir).value;
const store = await openStore(`sqlite:${join(dir, '.sluice/sluice.db')}`, dir);
const t0 = process.hrtime.bigint();
await registerRelease({
  store,
  config,
  projectDir: dir,
  file: 'release.yaml',
  actor: 'bench',
  clock: systemClock,
  checkDataset: DATASET_CHECKS,
});
const registerMs = ms(process.hrtime.bigint() - t0);
await store.close();
rows.push(row('register with a 50 MB suite', registerMs, 'ms', '<= 1000 ms', registerMs <= 1000));

// 2. Canonicalize and hash 1 MB of JSON.
const doc = { items: [] };
for (let i = 0; JSON.stringify(doc).length < 2 ** 20; i++) {
  doc.items.push({ id: i, z: 'text é ü 𝄞', a: [1.5, 2e-7, true, null], nested: { b: i * 2.71, a: `k${i}` } });
}
const times = [];
for (let i = 0; i < 30; i++) {
  const t = process.hrtime.bigint();
  sha256Digest(canonicalBytes(doc));
  times.push(ms(process.hrtime.bigint() - t));
}
const canon = median(times);
rows.push(row('canonicalize + sha256 of 1 MB JSON (median of 30)', canon, 'ms', '<= 50 ms', canon <= 50));

// 3. CLI start to first output for --help.
const help = [];
for (let i = 0; i < 15; i++) {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [join(root, 'bin/sluice.js'), '--help']);
  help.push(ms(process.hrtime.bigint() - t));
}
const helpMs = median(help);
rows.push(row('sluice --help, process start to exit (median of 15)', helpMs, 'ms', '<= 300 ms', helpMs <= 300));

report(rows);
