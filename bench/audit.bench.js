// Audit budgets: append >= 5,000 receipts/s on SQLite; full verify of 100,000
// receipts <= 5 s; an inclusion proof for any index of a 1,000,000-entry log <= 10 ms.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { formatCheckpoint } from '../dist/audit/tlog/checkpoint.js';
import { CompactRange } from '../dist/audit/tlog/compact-range.js';
import { signNote } from '../dist/audit/tlog/signed-note.js';
import { Ledger } from '../dist/audit/ledger/ledger.js';
import { proveInclusion } from '../dist/audit/ledger/proofs.js';
import { verifyStoredLog } from '../dist/audit/ledger/verify-store.js';
import { leafHash } from '../dist/audit/tlog/merkle-hash.js';
import { generateSigningKey } from '../dist/audit/envelope/signing-key.js';
import { openStore } from '../dist/store/open-store.js';
import { median, ms, quantile, report, row } from './support.js';

const origin = 'bench.example/audit';
const key = generateSigningKey();
const decision = (i) => ({
  kind: 'step',
  subject: `sha256:${createHash('sha256').update(String(i)).digest('hex')}`,
  actor: 'controller',
  at: new Date(),
  route: 'legal',
  what: { step: i % 3, weight: 25 },
  why: ['dwell and min_requests met'],
});
const fresh = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'sluice-bench-audit-')), 'sluice.db')}`;
const rows = [];

// 1. Appends: one transaction per receipt, and batches of 100.
{
  const store = await openStore(fresh());
  const ledger = new Ledger(store, { origin, key });
  const n = 3000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await ledger.record(decision(i));
  const single = Math.round(n / (Number(process.hrtime.bigint() - t) / 1e9));
  rows.push(row('append, one caller awaiting each receipt (one transaction each; no budget)', single, 'receipts/s'));
  t = process.hrtime.bigint();
  const c = 20000;
  let next = 0;
  const caller = async () => {
    while (next < c) await ledger.record(decision(n + next++));
  };
  await Promise.all(Array.from({ length: 32 }, caller));
  const grouped = Math.round(c / (Number(process.hrtime.bigint() - t) / 1e9));
  rows.push(
    row('append, 32 concurrent callers (group commit, SQLite)', grouped, 'receipts/s', '>= 5000', grouped >= 5000),
  );
  t = process.hrtime.bigint();
  const m = 20000;
  for (let i = 0; i < m; i += 100) await ledger.record(Array.from({ length: 100 }, (_, j) => decision(n + c + i + j)));
  const batched = Math.round(m / (Number(process.hrtime.bigint() - t) / 1e9));
  rows.push(row('append, batches of 100 (SQLite)', batched, 'receipts/s', '>= 5000', batched >= 5000));
  await store.close();
}

// 2. Full verify of 100,000 receipts.
{
  const store = await openStore(fresh());
  const ledger = new Ledger(store, { origin, key });
  for (let i = 0; i < 100_000; i += 1000) await ledger.record(Array.from({ length: 1000 }, (_, j) => decision(i + j)));
  const t = process.hrtime.bigint();
  const verdict = await verifyStoredLog(store, origin);
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (!verdict.ok || verdict.value.entries !== 100_000) throw new Error(`verify failed: ${JSON.stringify(verdict)}`);
  rows.push(row('full verify of 100,000 receipts', Math.round(s * 100) / 100, 's', '<= 5 s', s <= 5));
  await store.close();
}

// 3. Inclusion proofs in a 1,000,000-entry log (tree nodes written directly: proofs read only nodes).
{
  const url = fresh();
  await (await openStore(url)).close();
  const db = new Database(url.slice('sqlite:'.length));
  const range = CompactRange.empty();
  const insertNode = db.prepare('INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)');
  const insertEntry = db.prepare(
    "INSERT INTO audit_entries (idx, kind, subject, actor, leaf, created_at) VALUES (?, 'step', 'x', 'bench', ?, '')",
  );
  const N = 1_000_000;
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const leaf = Buffer.from(`leaf ${i}`);
      insertEntry.run(i, leaf);
      for (const node of range.append(leafHash(leaf))) insertNode.run(node.level, node.index, node.hash);
    }
  })();
  db.prepare("INSERT INTO audit_checkpoints (size, note, created_at) VALUES (?, ?, '')").run(
    N,
    signNote(formatCheckpoint({ origin, size: N, root: range.root() }), origin, key.privateKey),
  );
  db.close();
  const store = await openStore(url);
  const times = [];
  for (let k = 0; k < 200; k++) {
    const index = Math.floor(Math.random() * N);
    const t = process.hrtime.bigint();
    const p = await proveInclusion(store, index);
    times.push(ms(process.hrtime.bigint() - t));
    if (p.proof.length < 19) throw new Error('short proof');
  }
  const p99 = quantile(times, 0.99);
  rows.push(row('inclusion proof, 1,000,000-entry log, p50', median(times), 'ms', '<= 10 ms', median(times) <= 10));
  rows.push(row('inclusion proof, 1,000,000-entry log, p99', p99, 'ms', '<= 10 ms', p99 <= 10));
  await store.close();
}

report(rows);
