import { describe, expect, it } from 'vitest';
import { sha256Digest } from '../kernel/digest.js';
import type { ReleaseId } from '../release/resolved-manifest.js';
import type { SqlDriver } from './driver.js';
import { migrate } from './migrations.js';
import { sqlStore } from './sql-store.js';
import { SqliteDriver } from './sqlite/sqlite-driver.js';

/** A SQLite driver given the notify capability: what it announces, in order. */
function notifyingDriver(inner: SqlDriver, sent: [string, string][]): SqlDriver {
  const wrap = (db: SqlDriver): SqlDriver => ({
    dialect: db.dialect,
    description: db.description,
    query: (sql, params) => db.query(sql, params),
    run: (sql, params) => db.run(sql, params),
    transaction: (fn, opts) => db.transaction((tx) => fn(wrap(tx)), opts),
    notify: async (channel, payload) => {
      sent.push([channel, payload]);
    },
    close: () => db.close(),
  });
  return wrap(inner);
}

const STABLE = sha256Digest('stable') as ReleaseId;

describe('sqlStore: dialect differences are driver capabilities', () => {
  it('announces route changes and commands through the driver when it can notify', async () => {
    const sent: [string, string][] = [];
    const driver = notifyingDriver(SqliteDriver.open(':memory:'), sent);
    await migrate(driver);
    const store = sqlStore(driver);
    await store.putRouteState({ route: 'legal', stable: STABLE, candidate: null, weight: 0, rolloutId: null });
    await store.transaction((tx) => tx.queueCommand('ro-1', { kind: 'pause', actor: 'ana', at: 1 }));
    expect(sent).toEqual([
      ['sluice_routes', 'legal'],
      ['sluice_commands', 'ro-1'],
    ]);
    await store.close();
  });

  it('works without the capability: nothing is announced and there is nothing to subscribe to', async () => {
    const driver: SqlDriver = SqliteDriver.open(':memory:');
    await migrate(driver);
    const store = sqlStore(driver);
    expect(driver.notify).toBeUndefined();
    const state = await store.putRouteState({
      route: 'legal',
      stable: STABLE,
      candidate: null,
      weight: 0,
      rolloutId: null,
    });
    expect(state.version).toBe(1);
    expect(store.subscribeRouteChanges).toBeUndefined();
    expect(store.subscribeCommands).toBeUndefined();
    await store.close();
  });
});
