import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eraseContent } from '../src/audit/forensics/erase.js';
import { stickyHash } from '../src/gateway/routing/sticky.js';
import { tempDir } from '../src/kernel/test-support/temp-dir.js';
import { openStore } from '../src/store/open-store.js';
import type { Store, TraceRecord } from '../src/store/store.js';
import { freshPostgresUrl, postgresAvailable, TEST_POSTGRES_URL } from '../src/store/test-support/store-factories.js';

// Erasure must leave no readable copy of what it erased: not in the rows, not in the free space
// of the database file, not in SQLite's write-ahead log, not in PostgreSQL's dead row versions.

const SECRET = Buffer.alloc(32, 5);
const VICTIM = 'victim@example.org';
const THEIR_TEXT = 'zebra-7731 is the code of the vault';
const OTHER_TEXT = 'okapi-5120 asks about opening hours';

function traces(): TraceRecord[] {
  return Array.from({ length: 300 }, (_, i) => {
    const victim = i % 3 === 0;
    const text = victim ? `${THEIR_TEXT} #${i}` : `${OTHER_TEXT} #${i}`;
    return {
      id: `t-${String(i).padStart(4, '0')}`,
      route: 'legal',
      releaseId: `sha256:${'a'.repeat(64)}`,
      arm: 'stable',
      stickyHash: stickyHash(victim ? VICTIM : `user-${i}`, SECRET),
      status: 200,
      latencyMs: 10,
      promptTokens: 5,
      completionTokens: 5,
      costUsd: 0,
      slice: null,
      input: JSON.stringify([{ role: 'user', content: text }]),
      vars: '{}',
      output: `answer to ${text}`,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    };
  });
}

const has = (bytes: Buffer, text: string): boolean => bytes.includes(Buffer.from(text, 'utf8'));

describe('traces erase on SQLite leaves no copy in the database files', () => {
  it('finds the erased text in neither the main file nor the -wal, while another connection serves', async () => {
    const dir = tempDir('sluice-erase-bytes-');
    const file = join(dir, 'sluice.db');
    const url = `sqlite:${file}`;
    const cli = await openStore(url, dir);
    const serving = await openStore(url, dir); // a running `sluice serve` holds its own connection
    try {
      await serving.insertTraces(traces());
      const files = () => [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f));
      expect(files().some((b) => has(b, 'zebra-7731'))).toBe(true); // the test would prove nothing otherwise

      const r = await eraseContent(cli, { user: VICTIM }, SECRET);
      expect(r.traces).toBe(100);
      for (const bytes of files()) expect(has(bytes, 'zebra-7731')).toBe(false);
      expect(r.remaining).toEqual([]);
      expect(r.purged).toEqual(expect.arrayContaining([expect.stringContaining('truncated')]));
      expect(has(readFileSync(file), 'okapi-5120')).toBe(true); // everyone else's content is still there

      // The serving connection goes on reading and writing.
      expect((await serving.listTraces()).filter((t) => t.input.includes('okapi-5120'))).toHaveLength(200);
      await serving.insertTraces([{ ...traces()[0]!, id: 't-new' }]);
      expect((await cli.listTraces()).length).toBe(301);
    } finally {
      await serving.close();
      await cli.close();
    }
  });
});

describe.skipIf(!postgresAvailable)('traces erase on PostgreSQL: VACUUM FULL with --vacuum', () => {
  it('leaves the replaced row versions in the table file without --vacuum, says so, and removes them with it', async () => {
    const url = freshPostgresUrl();
    const schema = new URL(url).searchParams.get('schema')!;
    const store: Store = await openStore(url);
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    // The table's file as written on disk. VACUUM FULL writes its new file directly; pages an UPDATE
    // touched may still be in shared buffers only, so `checkpoint` flushes them first (a few seconds on a busy server).
    const inTableFile = async (text: string, checkpoint: boolean): Promise<boolean> => {
      if (checkpoint) await admin.query('CHECKPOINT');
      const r = await admin.query<{ found: boolean }>(
        `SELECT position(convert_to($1, 'UTF8') in pg_read_binary_file(pg_relation_filepath($2::regclass))) > 0 AS found`,
        [text, `${schema}.traces`],
      );
      return r.rows[0]!.found;
    };
    try {
      await store.insertTraces(traces());

      const plain = await eraseContent(store, { user: VICTIM }, SECRET);
      expect(plain.traces).toBe(100);
      expect(plain.remaining.join('\n')).toContain('traces erase --vacuum');
      // What an erasure without --vacuum leaves: the dead row versions, text and all.
      expect(await inTableFile('zebra-7731', true)).toBe(true);

      const vacuumed = await eraseContent(store, { user: VICTIM, vacuum: true }, SECRET);
      expect(vacuumed.traces).toBe(0); // erased already; the rewrite still runs
      expect(vacuumed.purged.join('\n')).toContain('VACUUM FULL');
      expect(await inTableFile('zebra-7731', false)).toBe(false);
      expect(await inTableFile('okapi-5120', false)).toBe(true);
    } finally {
      await admin.end();
      await store.close();
    }
  }, 120_000);
});
