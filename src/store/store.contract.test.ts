import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../core/digest.js';
import type { ReleaseId, ResolvedManifest } from '../manifest/resolved-manifest.js';
import { migrate } from './migrations.js';
import type { ReleaseRecord, Store } from './store.js';
import { STORE_FACTORIES } from './test-support/store-factories.js';

function release(n: number, name = 'legal'): ReleaseRecord {
  const manifest = { name, model: { provider: 'up', name: `m${n}` } } as unknown as ResolvedManifest;
  return {
    id: sha256Digest(`release-${n}`) as ReleaseId,
    name,
    manifest,
    baseline: null,
    changes: [],
    actor: 'ana',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  };
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`Store contract: ${factory.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('stores blobs by content: same bytes, same digest, one row', async () => {
      const bytes = Buffer.from('hello\0world');
      const d1 = await store.putBlob(bytes);
      const d2 = await store.putBlob(new Uint8Array(bytes));
      expect(d1).toBe(sha256Digest(bytes));
      expect(d2).toBe(d1);
      expect(Buffer.compare((await store.getBlob(d1))!, bytes)).toBe(0);
      expect(await store.getBlob(sha256Digest('absent'))).toBeUndefined();
    });

    it('inserts a release once and reads it back whole', async () => {
      const r = release(1);
      expect(await store.insertRelease(r)).toEqual({ inserted: true });
      expect(await store.insertRelease(r)).toEqual({ inserted: false });
      expect(await store.getRelease(r.id)).toEqual(r);
      expect(await store.listReleases()).toHaveLength(1);
    });

    it('finds ids by hex prefix and lists by route in creation order', async () => {
      const rs = [release(3), release(1, 'medical'), release(2)];
      for (const r of rs) await store.insertRelease(r);
      const hex = rs[0]!.id.slice(7);
      expect(await store.findReleaseIds(hex.slice(0, 12), 2)).toEqual([rs[0]!.id]);
      expect(await store.findReleaseIds('', 10)).toHaveLength(3);
      expect(await store.findReleaseIds('xyz', 10)).toEqual([]);
      expect((await store.listReleases({ name: 'legal' })).map((r) => r.id)).toEqual([rs[2]!.id, rs[0]!.id]);
    });

    it('keeps a route pointer', async () => {
      const a = release(1);
      const b = release(2);
      await store.insertRelease(a);
      await store.insertRelease(b);
      expect(await store.getRoute('legal')).toBeUndefined();
      await store.setStable('legal', a.id);
      await store.setStable('legal', b.id);
      expect((await store.getRoute('legal'))?.stable).toBe(b.id);
    });

    it('rolls a failed transaction back completely', async () => {
      const r = release(1);
      await expect(
        store.transaction(async (tx) => {
          await tx.putBlob(Buffer.from('in a doomed transaction'));
          await tx.insertRelease(r);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.getRelease(r.id)).toBeUndefined();
      expect(await store.getBlob(sha256Digest('in a doomed transaction'))).toBeUndefined();
    });

    it('serializes locked transactions across connections', async () => {
      const url = factory.freshUrl();
      const a = await factory.open(url);
      const b = await factory.open(url);
      try {
        const order: string[] = [];
        const slow = a.transaction(
          async (tx) => {
            order.push('a:start');
            await tx.putBlob(Buffer.from('a'));
            await new Promise((r) => setTimeout(r, 150));
            order.push('a:end');
          },
          { lock: 'contract' },
        );
        await new Promise((r) => setTimeout(r, 30));
        const fast = b.transaction(
          async (tx) => {
            order.push('b:start');
            await tx.putBlob(Buffer.from('b'));
          },
          { lock: 'contract' },
        );
        await Promise.all([slow, fast]);
        expect(order).toEqual(['a:start', 'a:end', 'b:start']);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('applies migrations once, however often it is opened', async () => {
      const url = factory.freshUrl();
      const first = await factory.open(url);
      await first.close();
      const second = await factory.open(url);
      await second.close();
      expect(second.description).toBe(first.description);
    });
  });
}

describe('migrations', () => {
  it('are numbered in order without gaps', async () => {
    const { MIGRATIONS } = await import('./migrations.js');
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(typeof migrate).toBe('function');
  });
});
