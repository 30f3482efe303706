import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/store.js';
import { STORE_FACTORIES } from '../../store/test-support/store-factories.js';
import { RouteLoadError, StoreRouteTable, type RouteChangeSource } from './store-route-table.js';
import { manifest, releaseRecord } from '../test-support/gateway-fixture.js';

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`StoreRouteTable: ${factory.name}`, () => {
    let store: Store;
    let table: StoreRouteTable | undefined;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await table?.close();
      table = undefined;
      await store.close();
    });

    async function releases() {
      const prompt = await store.putBlob(Buffer.from('You are a careful legal assistant.'));
      const stable = releaseRecord(
        manifest('legal', 'legal-v1', 'up', { prompt: { system: { path: 'prompts/legal.md', digest: prompt } } }),
      );
      const candidate = releaseRecord(manifest('legal', 'legal-v2'));
      await store.insertRelease(stable);
      await store.insertRelease(candidate);
      return { stable, candidate };
    }

    it('loads route state with its releases and prompts, and is empty before any', async () => {
      table = await StoreRouteTable.open(store, { pollMs: 0 });
      expect(table.routes()).toEqual([]);
      expect(table.version).toBe(0);
      const { stable, candidate } = await releases();
      await store.putRouteState({
        route: 'legal',
        stable: stable.id,
        candidate: candidate.id,
        weight: 5,
        rolloutId: 'r-1',
      });
      expect(table.lookup('legal')).toBeUndefined();
      await table.refresh();
      const e = table.lookup('legal')!;
      expect(e.stable.id).toBe(stable.id);
      expect(e.stable.systemTemplate).toBe('You are a careful legal assistant.');
      expect(e.candidate?.id).toBe(candidate.id);
      expect([e.weight, e.rolloutId]).toEqual([5, 'r-1']);
      expect(table.version).toBe(1);
    });

    it('follows changes by polling the version', async () => {
      const { stable, candidate } = await releases();
      await store.putRouteState({
        route: 'legal',
        stable: stable.id,
        candidate: candidate.id,
        weight: 5,
        rolloutId: 'r-1',
      });
      table = await StoreRouteTable.open(store, { pollMs: 10 });
      const before = table.lookup('legal');
      await store.putRouteState({
        route: 'legal',
        stable: stable.id,
        candidate: candidate.id,
        weight: 25,
        rolloutId: 'r-1',
      });
      await expect.poll(() => table!.lookup('legal')?.weight, { timeout: 2000, interval: 10 }).toBe(25);
      // Releases are content-addressed: the same objects are reused, not reloaded.
      expect(table.lookup('legal')!.stable).toBe(before!.stable);
      await store.putRouteState({ route: 'legal', stable: candidate.id, candidate: null, weight: 25, rolloutId: null });
      await expect.poll(() => table!.lookup('legal')?.stable.id, { timeout: 2000, interval: 10 }).toBe(candidate.id);
      expect(table.lookup('legal')).toMatchObject({ candidate: null, weight: 0, rolloutId: null });
    });

    it('refreshes when a change source says so, without polling', async () => {
      const { stable } = await releases();
      let notify = (): void => {};
      const changes: RouteChangeSource = {
        subscribe(onChange) {
          notify = onChange;
          return () => (notify = () => {});
        },
      };
      table = await StoreRouteTable.open(store, { pollMs: 0, changes });
      await store.putRouteState({ route: 'legal', stable: stable.id, candidate: null, weight: 0, rolloutId: null });
      notify();
      await expect.poll(() => table!.routes(), { timeout: 2000, interval: 10 }).toEqual(['legal']);
    });

    it('leaves out a route whose release is missing, serves the others, and picks it up once it exists', async () => {
      const { stable } = await releases();
      const later = releaseRecord(manifest('medical', 'med-v1'));
      await store.putRouteState({ route: 'legal', stable: stable.id, candidate: null, weight: 0, rolloutId: null });
      await store.putRouteState({ route: 'medical', stable: later.id, candidate: null, weight: 0, rolloutId: null });
      const errors: unknown[] = [];
      table = await StoreRouteTable.open(store, { pollMs: 10, onError: (e) => errors.push(e) });
      expect(table.routes()).toEqual(['legal']);
      expect(errors[0]).toBeInstanceOf(RouteLoadError);
      await store.insertRelease(later);
      await expect.poll(() => table!.routes(), { timeout: 2000, interval: 10 }).toEqual(['legal', 'medical']);
    });

    it('runs overlapping refreshes one after another', async () => {
      const { stable } = await releases();
      table = await StoreRouteTable.open(store, { pollMs: 0 });
      await store.putRouteState({ route: 'legal', stable: stable.id, candidate: null, weight: 0, rolloutId: null });
      await Promise.all([table.refresh(), table.refresh(), table.refresh()]);
      expect(table.routes()).toEqual(['legal']);
    });
  });
}
