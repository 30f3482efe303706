import pg from 'pg';
import { SluiceError } from '../../kernel/errors.js';
import type { PurgeReport, Row, SqlDriver, SqlParam } from '../driver.js';

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** `?` placeholders to `$1, $2, …` (Sluice's SQL never has `?` inside literals). */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

type Queryable = pg.Pool | pg.PoolClient;

class PgConnection implements SqlDriver {
  readonly dialect = 'postgres' as const;
  constructor(
    protected readonly db: Queryable,
    readonly description: string,
  ) {}

  async query<R extends Row = Row>(sql: string, params: readonly SqlParam[] = []): Promise<R[]> {
    const res = await this.db.query(toPgPlaceholders(sql), params as unknown[]);
    return res.rows as R[];
  }

  async run(sql: string, params: readonly SqlParam[] = []): Promise<{ changes: number }> {
    const res = await this.db.query(toPgPlaceholders(sql), params as unknown[]);
    return { changes: res.rowCount ?? 0 };
  }

  async notify(channel: string, payload: string): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {}
}

/**
 * PostgreSQL through a `pg` pool. A `schema` query parameter on the URL selects
 * (and creates) a schema, so several projects or test runs can share a database.
 * Named locks are transaction-scoped advisory locks.
 */
export class PostgresDriver extends PgConnection {
  private constructor(
    private readonly pool: pg.Pool,
    description: string,
    private readonly connection: { connectionString: string; options?: string },
  ) {
    super(pool, description);
  }

  /**
   * LISTEN on a channel with a dedicated connection (a pooled one would be
   * handed back). Reconnects after a lost connection; returns the unsubscribe.
   */
  async listen(channel: string, onNotify: (payload: string | undefined) => void): Promise<() => Promise<void>> {
    let client: pg.Client | undefined;
    let stopped = false;
    const connect = async (): Promise<void> => {
      const c = new pg.Client({ ...this.connection, connectionTimeoutMillis: 5000 });
      c.on('notification', (n) => onNotify(n.payload));
      c.on('error', () => {
        if (stopped) return;
        setTimeout(
          () =>
            void connect()
              .then(() => onNotify(undefined))
              .catch(() => {}),
          500,
        );
      });
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      client = c;
    };
    await connect();
    return async () => {
      stopped = true;
      await client?.end().catch(() => {});
    };
  }

  static async open(url: string, opts: { max?: number } = {}): Promise<PostgresDriver> {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema');
    parsed.searchParams.delete('schema');
    const safe = `${parsed.protocol}//${parsed.username ? `${parsed.username}@` : ''}${parsed.host}${parsed.pathname}`;
    if (schema !== null && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new SluiceError('bad_input', `invalid schema name "${schema}" in the PostgreSQL URL`);
    }
    const pool = new pg.Pool({
      connectionString: parsed.toString(),
      max: opts.max ?? 10,
      types,
      connectionTimeoutMillis: 5000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    pool.on('error', () => {}); // an idle client's error surfaces on its next use
    try {
      const client = await pool.connect();
      try {
        if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => {});
      throw new SluiceError('store_unavailable', `cannot reach PostgreSQL at ${safe}: ${(e as Error).message}`, {
        detail: 'start PostgreSQL or fix the URL in store: / SLUICE_DB (postgres://USER@HOST:PORT/DATABASE)',
        cause: e,
      });
    }
    return new PostgresDriver(pool, `${safe}${schema ? ` (schema ${schema})` : ''}`, {
      connectionString: parsed.toString(),
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
  }

  /**
   * A transaction on one pooled connection. While the connection is checked
   * out, `pg` reports its loss (a reset, a server restart, an administrator's
   * pg_terminate_backend) as an 'error' event that nothing else listens to and
   * that would end the process (or the thread): it is caught here, the
   * transaction fails like any other, and the broken connection is destroyed
   * instead of going back to the pool, so the caller's retry gets a new one.
   */
  override async transaction<T>(fn: (tx: SqlDriver) => Promise<T>, opts: { lock?: string } = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (e: Error): void => {
      broken ??= e;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      if (opts.lock) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [opts.lock]);
      const result = await fn(new PgConnection(client, this.description));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch((rollback: unknown) => {
        broken ??= rollback instanceof Error ? rollback : new Error(String(rollback));
      });
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken ?? false);
    }
  }

  /**
   * An UPDATE in PostgreSQL writes a new row version and leaves the old one in
   * the table's file as a dead tuple; VACUUM only marks its space reusable (the
   * bytes stay until something overwrites them). With `rewrite`, VACUUM FULL
   * copies the live rows into new files and deletes the old ones, so the table
   * holds no replaced content; it locks the table while it runs. The
   * write-ahead log, replicas and backups keep old versions until they are
   * recycled or expire: that is outside what a client can remove.
   */
  async purgeReplaced(tables: readonly string[], opts: { rewrite: boolean }): Promise<PurgeReport> {
    const beyond =
      'PostgreSQL write-ahead log segments, replicas and backups keep old row versions until they are recycled or expire';
    if (!opts.rewrite)
      return {
        done: [],
        remaining: [
          `replaced row versions in ${tables.join(' and ')} until VACUUM FULL rewrites them: run traces erase --vacuum`,
          beyond,
        ],
      };
    for (const t of tables) {
      if (!/^[a-z_]+$/.test(t)) throw new RangeError(`not a table name: ${t}`);
      await this.pool.query(`VACUUM FULL ${t}`);
    }
    return {
      done: [`${tables.join(' and ')} rewritten without replaced row versions (VACUUM FULL)`],
      remaining: [beyond],
    };
  }

  override async close(): Promise<void> {
    await this.pool.end();
  }
}
