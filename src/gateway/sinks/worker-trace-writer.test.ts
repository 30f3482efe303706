import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { STORE_FACTORIES, TEST_POSTGRES_URL } from '../../store/test-support/store-factories.js';
import { toTraceRecord, type RawTrace } from './record.js';
import { Redactor } from './redact.js';
import { stickyHash } from '../routing/sticky.js';
import { WorkerTraceWriter } from './worker-trace-writer.js';
import { tempDir } from '../../kernel/test-support/temp-dir.js';

// The worker thread runs the built JavaScript (npm test builds first).
const BUILT = new URL('../../../dist/gateway/sinks/trace-worker.js', import.meta.url);
const built = WorkerTraceWriter.available(BUILT);
const dir = tempDir('sluice-trace-writer-');
const writers: WorkerTraceWriter[] = [];
const keeping = {
  redactor: new Redactor([{ name: 'case-id', pattern: 'CASE-\\d{4}' }]),
  stickySecret: Buffer.alloc(32, 3),
};
afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()));
});

function writer(storeUrl: string, opts: { url?: URL; maxBacklog?: number; retryDelaysMs?: number[] } = {}) {
  const events = { dropped: 0, failed: 0, errors: [] as string[] };
  const w = new WorkerTraceWriter(
    {
      storeUrl,
      projectDir: dir,
      ...(opts.maxBacklog !== undefined ? { maxBacklog: opts.maxBacklog } : {}),
      retryDelaysMs: opts.retryDelaysMs ?? [250, 1_000, 4_000],
      keeping,
      onDrop: (n) => (events.dropped += n),
      onFailed: (n) => (events.failed += n),
      onError: (e) => events.errors.push((e as Error).message),
    },
    opts.url ?? BUILT,
  );
  writers.push(w);
  return { w, events };
}

function raw(i: number): RawTrace {
  return {
    id: `t-${String(i).padStart(4, '0')}`,
    route: 'legal',
    releaseId: 'sha256:' + 'a'.repeat(64),
    arm: i % 2 ? 'canary' : 'stable',
    stickyKey: i % 3 ? `user-${i}` : null,
    status: 200,
    latencyMs: 1.5 + i,
    promptTokens: 10,
    completionTokens: 5,
    costUsd: 0.001,
    slice: i % 4 ? 'fr/fr-BE' : null,
    messagesJson: JSON.stringify([{ role: 'user', content: `mail me at ana${i}@example.com or +33 6 12 34 56 78` }]),
    varsJson: JSON.stringify({ customer: `card 4111 1111 1111 1111` }),
    output: `noted, ana${i}@example.com, CASE-${String(i).padStart(4, '0')}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  };
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available || !built)(`WorkerTraceWriter: ${factory.name}`, () => {
    it('redacts, hashes and stores each batch on its own thread and connection', async () => {
      const url = factory.freshUrl();
      const store = await factory.open(url); // creates the schema the worker writes into
      const { w, events } = writer(url);
      const batches = [
        Array.from({ length: 150 }, (_, i) => raw(i)),
        Array.from({ length: 7 }, (_, i) => raw(150 + i)),
      ];
      for (const b of batches) await w.write(b); // handed over at once
      await w.write(batches[1]!); // a batch written twice is stored once
      await w.flush();
      const stored = await store.listTraces();
      expect(stored).toEqual(batches.flat().map((t) => toTraceRecord(t, keeping)));
      expect(stored[1]!.input).not.toContain('@example.com');
      expect(stored[1]!.input).toContain('[EMAIL]');
      expect(stored[1]!.vars).toContain('[CARD]');
      expect(stored[1]!.stickyHash).toBe(stickyHash('user-1', keeping.stickySecret)); // keyed, on the thread too
      expect(stored[1]!.output).toBe('noted, [EMAIL], [CASE-ID]'); // the project's own patterns, on the thread too
      expect(events).toEqual({ dropped: 0, failed: 0, errors: [] });
      await w.close();
      // Closed, it starts a new thread on the next write.
      await w.write([raw(500)]);
      await w.close();
      expect((await store.listTraces()).length).toBe(158);
      await store.close();
    });

    it('stores the rest of a batch when one trace cannot be serialized or stored: that one fails alone, counted', async () => {
      const url = factory.freshUrl();
      const store = await factory.open(url);
      const { w, events } = writer(url);
      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      const batch = Array.from({ length: 64 }, (_, i) => raw(i));
      batch[10] = { ...batch[10]!, messagesJson: deep }; // overflows the stack of whatever walks it
      // PostgreSQL refuses a NUL character in text; SQLite keeps it.
      batch[20] = { ...batch[20]!, output: 'nul \u0000 inside' };
      await w.write(batch);
      await w.flush();
      const refused = factory.name === 'postgres' ? 1 : 0;
      const stored = (await store.listTraces()).map((t) => t.id);
      expect(stored).toHaveLength(63 - refused);
      expect(stored).not.toContain('t-0010');
      expect(events.failed).toBe(1 + refused);
      expect(events.dropped).toBe(0);
      expect(events.errors).toEqual([expect.stringMatching(/trace t-0010 could not be prepared/)]);
      await w.close();
      await store.close();
    });

    it('makes the writer wait once the thread is behind by more than its backlog', async () => {
      const url = factory.freshUrl();
      const store = await factory.open(url);
      const { w } = writer(url, { maxBacklog: 10 });
      let waited = false;
      await w.write(Array.from({ length: 8 }, (_, i) => raw(i))); // under the backlog: handed over
      const behind = w.write(Array.from({ length: 8 }, (_, i) => raw(8 + i))).then(() => (waited = true));
      await behind;
      expect(waited).toBe(true);
      await w.flush();
      expect((await store.listTraces()).length).toBe(16); // resolved only once it was stored
      await store.close();
    });
  });
}

describe.skipIf(!built)('WorkerTraceWriter failures', () => {
  it('counts a batch it cannot store as dropped, with the reason, after retrying', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const { w, events } = writer(`sqlite:${join(file, 'sluice.db')}`); // its folder is a file
    await w.write([raw(1), raw(2)]);
    await w.flush();
    expect(events.dropped).toBe(2);
    expect(events.errors).toEqual([expect.stringMatching(/writing traces: cannot open SQLite store/)]);
    await w.close();
  }, 15_000);

  it('opens the store again when it comes back while a batch is being retried', async () => {
    const folder = join(dir, 'comes-back');
    writeFileSync(folder, ''); // the store's folder is a file: opening fails
    const { w, events } = writer(`sqlite:${join(folder, 'sluice.db')}`);
    await w.write([raw(1), raw(2)]);
    await new Promise((r) => setTimeout(r, 600)); // the first attempts fail; the next retry is 1 s after the second
    rmSync(folder);
    mkdirSync(folder);
    await w.flush();
    expect(events).toEqual({ dropped: 0, failed: 0, errors: [] });
    await w.close();
    const store = await STORE_FACTORIES[0]!.open(`sqlite:${join(folder, 'sluice.db')}`);
    expect((await store.listTraces()).map((t) => t.id)).toEqual(['t-0001', 't-0002']);
    await store.close();
  }, 15_000);

  it('gives a failing store one more try per batch once closing, instead of waiting out the retries (4+ s)', async () => {
    const file = join(dir, 'another-file');
    writeFileSync(file, '');
    const { w, events } = writer(`sqlite:${join(file, 'sluice.db')}`);
    await w.write([raw(1)]);
    await w.write([raw(2), raw(3)]);
    await w.close();
    expect(events.dropped).toBe(3);
  }, 3_000);

  it('cuts a long backoff short when asked to close: the batch gets its last try at once', async () => {
    const file = join(dir, 'a-third-file');
    writeFileSync(file, '');
    const { w, events } = writer(`sqlite:${join(file, 'sluice.db')}`, { retryDelaysMs: [30_000] });
    await w.write([raw(1), raw(2)]);
    await new Promise((r) => setTimeout(r, 200)); // the first try failed; the thread now waits 30 s
    await w.close();
    expect(events.dropped).toBe(2);
  }, 5_000);

  it('counts the batches with a thread that dies as dropped, and starts a new thread for the next one', async () => {
    const crash = join(dir, 'crash-worker.mjs');
    writeFileSync(crash, 'process.exit(3);\n');
    const { w, events } = writer('sqlite::memory:', { url: pathToFileURL(crash) });
    await w.write([raw(1)]);
    await w.flush();
    await w.write([raw(2), raw(3)]);
    await w.flush();
    expect(events.dropped).toBe(3);
    expect(events.errors).toEqual([expect.stringMatching(/exit code 3/), expect.stringMatching(/exit code 3/)]);
  });
});

const postgres = STORE_FACTORIES.find((f) => f.name === 'postgres')!;

describe.skipIf(!postgres.available || !built)('WorkerTraceWriter: a PostgreSQL connection reset', () => {
  it('survives the reset of the connection its batch is on, retries the batch, and loses nothing', async () => {
    const url = postgres.freshUrl();
    const schema = new URL(url).searchParams.get('schema')!;
    const store = await postgres.open(url);
    const { w, events } = writer(url);
    await w.write([raw(0)]); // the thread is up and connected
    await w.flush();
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    try {
      // Hold the batch's insert inside its transaction, then end that connection from the server side.
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE ${schema}.traces IN ACCESS EXCLUSIVE MODE`);
      const batch = Array.from({ length: 64 }, (_, i) => raw(1 + i));
      await w.write(batch);
      let pid: number | undefined;
      while (pid === undefined) {
        const r = await admin.query<{ pid: number }>(
          // The batch's insert, waiting for the table lock.
          `SELECT pid FROM pg_locks WHERE relation = '${schema}.traces'::regclass AND NOT granted`,
        );
        pid = r.rows[0]?.pid;
        if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await admin.query('COMMIT');
    } finally {
      await admin.end();
    }
    await w.flush();
    expect(events).toEqual({ dropped: 0, failed: 0, errors: [] });
    expect((await store.listTraces()).length).toBe(65);
    // Still the same thread, still writing.
    await w.write([raw(100)]);
    await w.flush();
    expect((await store.listTraces()).length).toBe(66);
    await w.close();
    await store.close();
  }, 20_000);
});
