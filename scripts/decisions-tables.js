// Writes the measured tables of docs/decisions.md from bench/results.json (key `decisions`), so
// the page shows exactly what the last `npm run bench -- decisions` measured.
// Each table sits between `<!-- decisions-table:CELL -->` and `<!-- /decisions-table -->`, CELL
// one of gate, canary, observer (the rows whose name starts with it).
// Usage: node scripts/decisions-tables.js [--check]   (--check: exit 1 when the page is stale)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { wilson as wilsonOf } from '../bench/decisions/support.js';

const root = join(import.meta.dirname, '..');
export const DOC = join(root, 'docs', 'decisions.md');
export const RESULTS = join(root, 'bench', 'results.json');

/** A share as a percentage, with enough digits for the small per-window rates. */
function pct(v) {
  if (v === undefined || v === null) return '';
  const p = v * 100;
  if (Math.abs(p) < 1e-9) return '0%';
  if (p < 0.1) return `${Number(p.toPrecision(2))}%`;
  return `${p.toFixed(1)}%`;
}

/** The row's Wilson 95% interval: from its counts when it has them, else as its unit states it. */
function wilson(row) {
  if (Number.isInteger(row.k) && Number.isInteger(row.n)) {
    const [lo, hi] = wilsonOf(row.k, row.n);
    return `[${pct(lo)}, ${pct(hi)}]`;
  }
  const m = /Wilson 95% \[([\d.e-]+), ([\d.e-]+)\]/.exec(row.unit ?? '');
  return m ? `[${pct(Number(m[1]))}, ${pct(Number(m[2]))}]` : '';
}

/** The measured share, with its counts when the row has them. */
function measured(row) {
  if (Number.isInteger(row.k) && Number.isInteger(row.n)) return `${pct(row.k / row.n)} (${row.k} of ${row.n})`;
  const runs = /share of (\d+) runs/.exec(row.unit ?? '')?.[1];
  return runs ? `${pct(row.value)} (of ${runs})` : pct(row.value);
}

function budget(row) {
  if (!row.budget) return '';
  const [op, v] = row.budget.split(' ');
  const limit = Number.isFinite(Number(v)) ? `${op === '<=' ? '≤' : '≥'} ${pct(Number(v))}` : row.budget;
  return `${limit} ${row.ok ? '✓' : '**miss**'}`;
}

/** The table of one cell's rows: every row, in the bench's order. */
export function renderTable(rows, cell) {
  const mine = rows.filter((r) => r.name.startsWith(cell) && typeof r.value === 'number');
  const withOthers = mine.some((r) => r.flagger !== undefined || r.kayenta !== undefined);
  const withBound = mine.some((r) => r.bound !== undefined);
  const head = ['row', 'Sluice', 'Wilson 95%'];
  if (withOthers) head.push('Flagger-style', 'Kayenta-style');
  if (withBound) head.push('best possible rule');
  head.push('budget');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of mine) {
    const cols = [r.name.slice(cell.length).replace(/^[ ,]+/, ''), measured(r), wilson(r)];
    if (withOthers) cols.push(pct(r.flagger), pct(r.kayenta));
    if (withBound) cols.push(pct(r.bound));
    cols.push(budget(r));
    lines.push(`| ${cols.join(' | ')} |`);
  }
  return lines.join('\n');
}

const BLOCK = /<!-- decisions-table:(\w+) -->\n[\s\S]*?<!-- \/decisions-table -->/g;

/** The page with every marked table rewritten from `rows`. */
export function renderDoc(doc, rows) {
  return doc.replace(
    BLOCK,
    (_m, cell) => `<!-- decisions-table:${cell} -->\n${renderTable(rows, cell)}\n<!-- /decisions-table -->`,
  );
}

export function decisionRows(results = JSON.parse(readFileSync(RESULTS, 'utf8'))) {
  return results.results.decisions;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const doc = readFileSync(DOC, 'utf8');
  const next = renderDoc(doc, decisionRows());
  if (process.argv.includes('--check')) {
    if (next !== doc) {
      console.error('docs/decisions.md is stale: run node scripts/decisions-tables.js');
      process.exit(1);
    }
  } else writeFileSync(DOC, next);
}
