import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, privateKeyPem } from '../src/audit/envelope/signing-key.js';
import { verifyStoredLog } from '../src/audit/ledger/verify-store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { spawnTracked } from './support/tracked-child.js';

const WORKER = join(import.meta.dirname, 'support/append-worker.js');

function runWorker(url: string, n: number, tag: string, pem: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [WORKER, url, String(n), tag], {
      env: { ...process.env, SLUICE_AUDIT_KEY: pem },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker ${tag} exited ${code}: ${err}`))));
  });
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`concurrent appends on ${factory.name}`, () => {
    it('two processes appending at once produce one consistent, verifiable sequence', async () => {
      const url = factory.freshUrl();
      const key = generateSigningKey();
      const pem = privateKeyPem(key);
      // Create the schema first so both workers race only on appends.
      await (await factory.open(url)).close();
      await Promise.all([runWorker(url, 60, 'a', pem), runWorker(url, 60, 'b', pem)]);
      const store = await factory.open(url);
      try {
        expect(await store.auditSize()).toBe(120);
        const entries = await store.auditEntries(0, 120);
        expect(entries.filter((e) => e.actor === 'a')).toHaveLength(60);
        expect((await store.checkpoints()).map((c) => c.size)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
        const verdict = await verifyStoredLog(store, 'test.example/concurrent', { pinnedKey: key.publicKey });
        expect(verdict).toMatchObject({ ok: true, value: { entries: 120 } });
      } finally {
        await store.close();
      }
    });
  });
}
