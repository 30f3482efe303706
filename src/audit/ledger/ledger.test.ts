import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../../kernel/digest.js';
import { freshSqliteUrl } from '../../store/test-support/store-factories.js';
import { openStore } from '../../store/open-store.js';
import { generateSigningKey } from '../envelope/signing-key.js';
import { Ledger } from './ledger.js';
import { verifyStoredLog } from './verify-store.js';

describe('Ledger', () => {
  it('group-commits concurrent records: each caller gets its own indices, checkpoints cover batches', async () => {
    const store = await openStore(freshSqliteUrl());
    const key = generateSigningKey();
    const ledger = new Ledger(store, { origin: 'test.example/ledger', key });
    const decision = (i: number) => ({
      kind: 'step' as const,
      subject: sha256Digest(String(i)),
      actor: 'controller',
      at: new Date(0),
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ledger.record([decision(2 * i), decision(2 * i + 1)])),
    );
    const all = results.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (const r of results) expect(r[1]).toBe(r[0]! + 1);
    const checkpoints = await store.checkpoints();
    expect(checkpoints.length).toBeLessThan(50);
    expect(checkpoints.at(-1)!.size).toBe(100);
    expect(await verifyStoredLog(store, 'test.example/ledger')).toMatchObject({ ok: true, value: { entries: 100 } });
    await store.close();
  });

  it('fails every waiting caller when the transaction fails, and keeps the log unchanged', async () => {
    const store = await openStore(freshSqliteUrl());
    const ledger = new Ledger(store, { origin: 'test.example/ledger', key: generateSigningKey() });
    await expect(
      ledger.record({ kind: 'step', subject: 'sha256:nothex' as never, actor: 'x', at: new Date() }),
    ).rejects.toThrow();
    expect(await store.auditSize()).toBe(0);
    await store.close();
  });
});
