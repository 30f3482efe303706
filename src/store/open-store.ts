import { isAbsolute, resolve } from 'node:path';
import { SluiceError } from '../kernel/errors.js';
import type { SqlDriver } from './driver.js';
import { migrate } from './migrations.js';
import { sqlStore } from './sql-store.js';
import { SqliteDriver } from './sqlite/sqlite-driver.js';
import type { Store } from './store.js';

export const DEFAULT_STORE = 'sqlite:.sluice/sluice.db';

/** The store URL in force: env SLUICE_DB, else sluice.yaml's `store:`, else the default. */
export function storeUrl(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return env.SLUICE_DB || configured || DEFAULT_STORE;
}

/** The file of a SQLite store URL (absolute, or `:memory:`); undefined for another kind of store or no path. */
export function sqliteFile(url: string, projectDir: string): string | undefined {
  if (!url.startsWith('sqlite:')) return undefined;
  const path = url.slice('sqlite:'.length);
  if (!path) return undefined;
  return path === ':memory:' || isAbsolute(path) ? path : resolve(projectDir, path);
}

async function openDriver(url: string, projectDir: string): Promise<SqlDriver> {
  if (url.startsWith('sqlite:')) {
    const path = sqliteFile(url, projectDir);
    if (!path)
      throw new SluiceError(
        'bad_input',
        'store URL "sqlite:" has no path; use sqlite:PATH, e.g. sqlite:.sluice/sluice.db',
      );
    return SqliteDriver.open(path);
  }
  // Loaded only for a PostgreSQL store: an embedded SQLite deployment never pays for the driver.
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return (await import('./postgres/postgres-driver.js')).PostgresDriver.open(url);
  throw new SluiceError('bad_input', `unsupported store URL "${url}"`, {
    detail: 'use sqlite:PATH (relative to the project) or postgres://USER@HOST:PORT/DATABASE',
  });
}

/** Opens a store and applies pending migrations. */
export async function openStore(url: string, projectDir = process.cwd()): Promise<Store> {
  const driver = await openDriver(url, projectDir);
  try {
    await migrate(driver);
  } catch (e) {
    await driver.close().catch(() => {});
    throw new SluiceError(
      'store_unavailable',
      `cannot migrate the store at ${driver.description}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return sqlStore(driver);
}
