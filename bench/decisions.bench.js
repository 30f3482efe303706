// Decision error rates: simulated releases, rollouts and production streams
// with a known truth, run through Sluice's own compiled decision code (dist/),
// beside the Flagger-style and Kayenta-style baselines on the same data.
// Each module in bench/decisions/ (but support.js) exports `rows()`, an async
// function returning bench rows; they run in name order with fixed seeds.
// Usage: npm run build && npm run bench -- decisions
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { report } from './support.js';

const dir = join(import.meta.dirname, 'decisions');
const only = process.env.SLUICE_BENCH_DECISIONS ?? '';
const cells = readdirSync(dir)
  .filter((f) => f.endsWith('.js') && f !== 'support.js' && f.includes(only))
  .sort();
const rows = [];
for (const file of cells) {
  const mod = await import(pathToFileURL(join(dir, file)).href);
  const started = Date.now();
  const out = await mod.rows();
  process.stderr.write(`${file}: ${out.length} rows in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  rows.push(...out);
}
report(rows);
