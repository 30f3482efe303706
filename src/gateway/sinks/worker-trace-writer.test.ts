import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../../store/test-support/store-factories.js';
import { toTraceRecord, type RawTrace } from './record.js';
import { WorkerTraceWriter } from './worker-trace-writer.js';

// The worker thread runs the built JavaScript (npm test builds first).
const BUILT = new URL('../../../dist/gateway/sinks/trace-worker.js', import.meta.url);
const built = WorkerTraceWriter.available(BUILT);
const dir = mkdtempSync(join(tmpdir(), 'sluice-trace-writer-'));
const writers: WorkerTraceWriter[] = [];
afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()));
});

function writer(storeUrl: string, opts: { url?: URL; maxBacklog?: number } = {}) {
  const events = { dropped: 0, errors: [] as string[] };
  const w = new WorkerTraceWriter(
    {
      storeUrl,
      projectDir: dir,
      ...(opts.maxBacklog !== undefined ? { maxBacklog: opts.maxBacklog } : {}),
      onDrop: (n) => (events.dropped += n),
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
    output: `noted, ana${i}@example.com`,
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
      expect(stored).toEqual(batches.flat().map(toTraceRecord));
      expect(stored[1]!.input).not.toContain('@example.com');
      expect(stored[1]!.input).toContain('[EMAIL]');
      expect(stored[1]!.vars).toContain('[CARD]');
      expect(stored[1]!.stickyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(events).toEqual({ dropped: 0, errors: [] });
      await w.close();
      // Closed, it starts a new thread on the next write.
      await w.write([raw(500)]);
      await w.close();
      expect((await store.listTraces()).length).toBe(158);
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
    expect(events).toEqual({ dropped: 0, errors: [] });
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
