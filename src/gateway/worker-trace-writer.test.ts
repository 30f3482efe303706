import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/test-support/store-factories.js';
import { toTraceRecord, type RawTrace } from './record.js';
import { WorkerTraceWriter } from './worker-trace-writer.js';

// The worker thread runs the built JavaScript (npm test builds first).
const BUILT = new URL('../../dist/gateway/trace-worker.js', import.meta.url);
const built = WorkerTraceWriter.available(BUILT);
const dir = mkdtempSync(join(tmpdir(), 'sluice-trace-writer-'));
const writers: WorkerTraceWriter[] = [];
afterAll(async () => {
  await Promise.all(writers.map((w) => w.close()));
});

function writer(storeUrl: string, url = BUILT): WorkerTraceWriter {
  const w = new WorkerTraceWriter({ storeUrl, projectDir: dir }, url);
  writers.push(w);
  return w;
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
    messages: [{ role: 'user', content: `mail me at ana${i}@example.com or +33 6 12 34 56 78` }],
    vars: { customer: `card 4111 1111 1111 1111` },
    output: `noted, ana${i}@example.com`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  };
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available || !built)(`WorkerTraceWriter: ${factory.name}`, () => {
    it('redacts, hashes and stores each batch on its own thread and connection', async () => {
      const url = factory.freshUrl();
      const store = await factory.open(url); // creates the schema the worker writes into
      const w = writer(url);
      const batches = [Array.from({ length: 150 }, (_, i) => raw(i)), Array.from({ length: 7 }, (_, i) => raw(150 + i))];
      await Promise.all(batches.map((b) => w.write(b)));
      await w.write(batches[1]!); // a batch written twice is stored once
      const stored = await store.listTraces();
      expect(stored).toEqual(batches.flat().map(toTraceRecord));
      expect(stored[1]!.input).not.toContain('@example.com');
      expect(stored[1]!.input).toContain('[EMAIL]');
      expect(stored[1]!.vars).toContain('[CARD]');
      expect(stored[1]!.stickyHash).toMatch(/^[0-9a-f]{64}$/);
      await w.close();
      // Closed, it starts a new thread on the next write.
      await w.write([raw(500)]);
      expect((await store.listTraces()).length).toBe(158);
      await w.close();
      await store.close();
    });
  });
}

describe.skipIf(!built)('WorkerTraceWriter failures', () => {
  it('rejects the batch when the store cannot be opened, and still closes', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const w = writer(`sqlite:${join(file, 'sluice.db')}`); // its folder is a file
    await expect(w.write([raw(1)])).rejects.toThrow(/writing traces: cannot open SQLite store/);
    await w.close();
  });

  it('rejects the batches in flight when the thread dies, and starts a new one for the next batch', async () => {
    const crash = join(dir, 'crash-worker.mjs');
    writeFileSync(crash, 'process.exit(3);\n');
    const w = writer('sqlite::memory:', pathToFileURL(crash));
    await expect(w.write([raw(1)])).rejects.toThrow(/trace writer thread stopped \(exit code 3\)/);
    await expect(w.write([raw(2)])).rejects.toThrow(/exit code 3/);
  });
});
