import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SluiceError } from '../../kernel/errors.js';
import type { PurgeReport, Row, SqlDriver, SqlParam } from '../driver.js';
import { AsyncMutex } from './async-mutex.js';

type Db = Database.Database;

class SqliteConnection implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  constructor(
    protected readonly db: Db,
    readonly description: string,
    protected readonly statements = new Map<string, Database.Statement>(),
  ) {}

  protected prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  async query<R extends Row = Row>(sql: string, params: readonly SqlParam[] = []): Promise<R[]> {
    return this.prepare(sql).all(...params) as R[];
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<{ changes: number }> {
    return { changes: this.prepare(sql).run(...params).changes };
  }

  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    // Already inside the one transaction this connection can hold: nest flatly.
    return fn(this);
  }

  async close(): Promise<void> {}
}

/**
 * SQLite through better-sqlite3: WAL, a busy timeout so several processes can
 * share one file, and BEGIN IMMEDIATE so a transaction takes the write lock up
 * front. Within a process, a mutex keeps other work out of an open transaction.
 */
export class SqliteDriver extends SqliteConnection {
  /**
   * One mutex per database file for the whole process: better-sqlite3 waits for
   * SQLite's lock synchronously, so two connections of one process must never
   * wait on each other inside SQLite (the holder could not run to release it).
   */
  private static readonly mutexes = new Map<string, AsyncMutex>();
  private readonly mutex: AsyncMutex;

  private constructor(db: Db, description: string, key: string) {
    super(db, description);
    let mutex = SqliteDriver.mutexes.get(key);
    if (!mutex) {
      mutex = new AsyncMutex();
      SqliteDriver.mutexes.set(key, mutex);
    }
    this.mutex = mutex;
  }

  static open(path: string): SqliteDriver {
    let db: Db;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      // Large pages: blobs (suites of tens of MB) are written in a few big pages. Only
      // takes effect on a new database, before WAL is switched on.
      db.pragma('page_size = 65536');
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Deleted and replaced content is overwritten with zeros, not left in free space: erasure erases.
      db.pragma('secure_delete = ON');
      // better-sqlite3 builds SQLite with a 16 MB page cache per connection, which a long
      // write (a 100,000-item gate run's cache rows) fills and keeps. 4 MiB is 64 of our
      // 64 KiB pages: the B-trees' inner pages stay cached, the OS page cache serves the rest.
      db.pragma('cache_size = -4096');
    } catch (e) {
      throw new SluiceError('store_unavailable', `cannot open SQLite store at ${path}: ${(e as Error).message}`, {
        detail: 'check that the folder is writable, or set store: / SLUICE_DB to another sqlite:PATH',
        cause: e,
      });
    }
    return new SqliteDriver(db, `sqlite:${path}`, path === ':memory:' ? `memory:${Math.random()}` : realpathSync(path));
  }

  override async query<R extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<R[]> {
    const release = await this.mutex.lock();
    try {
      return await super.query<R>(sql, params);
    } finally {
      release();
    }
  }

  override async run(sql: string, params?: readonly SqlParam[]): Promise<{ changes: number }> {
    const release = await this.mutex.lock();
    try {
      return await super.run(sql, params);
    } finally {
      release();
    }
  }

  override async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    const release = await this.mutex.lock();
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(new SqliteConnection(this.db, this.description, this.statements));
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    } finally {
      release();
    }
  }

  /**
   * Replaced content is zeroed in the database file as it is written
   * (secure_delete); its earlier page images live on in the write-ahead log
   * until a checkpoint, so the log is checkpointed into the file and truncated
   * to nothing. A reader in another process that holds an old snapshot delays
   * it (up to the busy timeout); then the log is left for the next checkpoint.
   */
  async purgeReplaced(): Promise<PurgeReport> {
    const release = await this.mutex.lock();
    try {
      const rows = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
      const busy = (rows[0]?.busy ?? 0) !== 0;
      return busy
        ? {
            done: ['replaced content zeroed in the database file (secure_delete)'],
            remaining: [
              'the write-ahead log (-wal): another process was reading, so it could not be truncated; run the command again once it is idle',
            ],
          }
        : {
            done: [
              'replaced content zeroed in the database file (secure_delete)',
              'write-ahead log checkpointed and truncated to 0 bytes',
            ],
            remaining: [],
          };
    } finally {
      release();
    }
  }

  override async close(): Promise<void> {
    const release = await this.mutex.lock();
    try {
      this.db.close();
    } finally {
      release();
    }
  }
}
