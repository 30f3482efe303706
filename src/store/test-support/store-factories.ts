import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { tempDir } from '../../kernel/test-support/temp-dir.js';

/** The PostgreSQL tests use this database; each run gets fresh schemas in it. */
export const TEST_POSTGRES_URL = process.env.SLUICE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** In CI (or with SLUICE_REQUIRE_POSTGRES=1) an unreachable PostgreSQL fails the run instead of skipping. */
export const POSTGRES_REQUIRED = process.env.SLUICE_REQUIRE_POSTGRES === '1';

async function probe(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const postgresAvailable: boolean = await (async () => {
  const ok = await probe();
  if (!ok && POSTGRES_REQUIRED) {
    throw new Error(`PostgreSQL is required (SLUICE_REQUIRE_POSTGRES=1) but ${TEST_POSTGRES_URL} cannot be reached`);
  }
  if (!ok) console.warn(`[sluice tests] PostgreSQL at ${TEST_POSTGRES_URL} unreachable: PostgreSQL tests SKIPPED`);
  return ok;
})();

let counter = 0;

/** A fresh, empty PostgreSQL store URL (its own schema). */
export function freshPostgresUrl(): string {
  const schema = `sluice_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  return `${TEST_POSTGRES_URL}${TEST_POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

/** A fresh, empty SQLite store URL (its own file). */
export function freshSqliteUrl(): string {
  return `sqlite:${join(tempDir('sluice-store-'), 'sluice.db')}`;
}

export interface StoreFactory {
  readonly name: 'sqlite' | 'postgres';
  readonly available: boolean;
  /** A new URL naming an empty store of this kind. */
  freshUrl(): string;
  open(url?: string): Promise<Store>;
}

/** The dialects every contract test loops over (as kysely loops over its dialects). */
export const STORE_FACTORIES: readonly StoreFactory[] = [
  { name: 'sqlite', available: true, freshUrl: freshSqliteUrl, open: (url) => openStore(url ?? freshSqliteUrl()) },
  {
    name: 'postgres',
    available: postgresAvailable,
    freshUrl: freshPostgresUrl,
    open: (url) => openStore(url ?? freshPostgresUrl()),
  },
];
