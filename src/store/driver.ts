/** SQL parameters: both dialects accept these. */
export type SqlParam = string | number | bigint | Buffer | null;
export type Row = Record<string, unknown>;

export type Dialect = 'sqlite' | 'postgres';

/**
 * The little a store needs from a database: queries with `?` placeholders,
 * transactions, and a cross-process lock. One folder per dialect implements it;
 * the SQL store and its contract tests are shared.
 */
export interface SqlDriver {
  readonly dialect: Dialect;
  /** A description safe to print (no password). */
  readonly description: string;
  query<R extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<R[]>;
  run(sql: string, params?: readonly SqlParam[]): Promise<{ changes: number }>;
  /**
   * Runs `fn` in a transaction. With `lock`, the transaction also holds a named
   * lock that excludes other processes writing under the same name until it ends.
   */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>, opts?: { lock?: string }): Promise<T>;
  /**
   * Databases that push notifications (PostgreSQL's NOTIFY): announces `payload` on `channel`.
   * Inside a transaction the message is delivered at commit. Absent where there is no push (SQLite: readers poll).
   */
  notify?(channel: string, payload: string): Promise<void>;
  /** Databases that push notifications (PostgreSQL's LISTEN): calls `onNotify` per message on `channel`; resolves with the unsubscribe. */
  listen?(channel: string, onNotify: (payload: string | undefined) => void): Promise<() => Promise<void>>;
  /**
   * Databases that keep copies of replaced rows beside the live ones: removes
   * what it can of them for `tables` after an erasure, and says what it did and
   * what copies may remain. SQLite checkpoints its write-ahead log and truncates
   * it (replaced content itself is zeroed as it goes: secure_delete);
   * PostgreSQL, with `rewrite`, rewrites the tables (VACUUM FULL).
   */
  purgeReplaced?(tables: readonly string[], opts: { rewrite: boolean }): Promise<PurgeReport>;
  close(): Promise<void>;
}

/** What a purge did, and which copies of replaced content may still exist (each with how to remove it). */
export interface PurgeReport {
  readonly done: readonly string[];
  readonly remaining: readonly string[];
}
