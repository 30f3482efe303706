// Runs every bench/*.bench.js in its own process and writes bench/results.json.
// Usage: npm run bench [-- name-filter]   (build first: npm run build)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const dir = import.meta.dirname;
const filter = process.argv[2] ?? '';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort();
const out = join(dir, 'results.json');
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { results: {} };
const results = { ...previous.results };

for (const file of files) {
  process.stdout.write(`${file} … `);
  const text = execFileSync(process.execPath, ['--expose-gc', join(dir, file)], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const rows = JSON.parse(text.trim().split('\n').pop());
  results[file.replace(/\.bench\.js$/, '')] = rows;
  const bad = rows.filter((r) => r.ok === false);
  console.log(bad.length ? `OVER BUDGET: ${bad.map((r) => r.name).join(', ')}` : 'ok');
  for (const r of rows)
    console.log(
      `  ${r.ok === false ? '✗' : '✓'} ${r.name}: ${r.value} ${r.unit}${r.budget ? ` (budget ${r.budget})` : ''}`,
    );
}

const machine = {
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model,
  memory_gb: Math.round(totalmem() / 2 ** 30),
};
writeFileSync(out, `${JSON.stringify({ updated: new Date().toISOString(), machine, results }, null, 2)}\n`);
console.log(`wrote ${out}`);
