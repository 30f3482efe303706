import type { Component } from '../config/release-schema.js';
import { sha256Digest, type Digest } from '../kernel/digest.js';
import type { ReleaseId, ResolvedManifest } from '../release/resolved-manifest.js';
import type { Row, SqlDriver } from './driver.js';

const ROUTE_CHANNEL = 'sluice_routes';
const COMMAND_CHANNEL = 'sluice_commands';
import { sqlAuditStore } from './sql-audit.js';
import { sqlGateStore } from './sql-gate.js';
import { sqlControlStore } from './sql-rollouts.js';
import { sqlTraceStore } from './sql-traces.js';
import { sqlGatewayKeyStore } from './sql-gateway-keys.js';
import type {
  AuditStore,
  ControlStore,
  GatewayKeyStore,
  GateStore,
  ReleaseRecord,
  RouteRecord,
  Store,
  TraceStore,
} from './store.js';

interface ReleaseRow extends Row {
  id: string;
  name: string;
  manifest: string;
  baseline: string | null;
  changes: string;
  actor: string;
  created_at: string;
}

const RELEASE_COLUMNS = 'id, name, manifest, baseline, changes, actor, created_at';

function toRelease(row: ReleaseRow): ReleaseRecord {
  return {
    id: row.id as ReleaseId,
    name: row.name,
    manifest: JSON.parse(row.manifest) as ResolvedManifest,
    baseline: row.baseline as ReleaseId | null,
    changes: JSON.parse(row.changes) as Component[],
    actor: row.actor,
    createdAt: row.created_at,
  };
}

/** The part of Store that lives in this file; the rest comes from the per-domain SQL modules. */
type OwnStore = Omit<
  Store,
  keyof AuditStore | keyof GateStore | keyof TraceStore | keyof ControlStore | keyof GatewayKeyStore
>;

// Declaration merging: SqlStore also has every method of the per-domain stores it is assembled from.
export interface SqlStore extends AuditStore, GateStore, TraceStore, ControlStore, GatewayKeyStore {}

/** The Store over any SqlDriver: the SQL runs unchanged on SQLite and PostgreSQL. */
export class SqlStore implements OwnStore {
  constructor(protected readonly db: SqlDriver) {
    Object.assign(
      this,
      sqlAuditStore(db),
      sqlGateStore(db),
      sqlTraceStore(db),
      sqlControlStore(db),
      sqlGatewayKeyStore(db),
    );
    if (db.dialect === 'postgres') {
      const put = this.putRouteState.bind(this);
      // Every route change is announced; inside a transaction NOTIFY is delivered at commit.
      this.putRouteState = async (state) => {
        const r = await put(state);
        await db.run(`SELECT pg_notify('${ROUTE_CHANNEL}', ?)`, [state.route]);
        return r;
      };
    }
    if (db.dialect === 'postgres') {
      const queue = this.queueCommand.bind(this);
      // An operator's command wakes the controller at once instead of on its next tick.
      this.queueCommand = async (rolloutId, c) => {
        const seq = await queue(rolloutId, c);
        await db.run(`SELECT pg_notify('${COMMAND_CHANNEL}', ?)`, [rolloutId]);
        return seq;
      };
    }
    const listen = db.listen?.bind(db);
    if (listen) {
      this.subscribeRouteChanges = async (onChange) => listen(ROUTE_CHANNEL, () => onChange());
      this.subscribeCommands = async (onCommand) => listen(COMMAND_CHANNEL, () => onCommand());
    }
  }

  subscribeRouteChanges?: Store['subscribeRouteChanges'];
  subscribeCommands?: Store['subscribeCommands'];

  get dialect() {
    return this.db.dialect;
  }

  get description() {
    return this.db.description;
  }

  async putBlob(bytes: Uint8Array): Promise<Digest> {
    const digest = sha256Digest(bytes);
    await this.db.run(
      'INSERT INTO blobs (digest, size, bytes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING',
      [
        digest,
        bytes.byteLength,
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        new Date().toISOString(),
      ],
    );
    return digest;
  }

  async getBlob(digest: Digest): Promise<Buffer | undefined> {
    const rows = await this.db.query<{ bytes: Buffer }>('SELECT bytes FROM blobs WHERE digest = ?', [digest]);
    return rows[0]?.bytes;
  }

  async insertRelease(r: ReleaseRecord): Promise<{ inserted: boolean }> {
    const { changes } = await this.db.run(
      `INSERT INTO releases (${RELEASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      [r.id, r.name, JSON.stringify(r.manifest), r.baseline, JSON.stringify(r.changes), r.actor, r.createdAt],
    );
    return { inserted: changes > 0 };
  }

  async getRelease(id: ReleaseId): Promise<ReleaseRecord | undefined> {
    const rows = await this.db.query<ReleaseRow>(`SELECT ${RELEASE_COLUMNS} FROM releases WHERE id = ?`, [id]);
    return rows[0] ? toRelease(rows[0]) : undefined;
  }

  async findReleaseIds(hexPrefix: string, limit: number): Promise<ReleaseId[]> {
    if (!/^[0-9a-f]*$/.test(hexPrefix)) return [];
    const lo = `sha256:${hexPrefix}`;
    const hi = `sha256:${hexPrefix}g`; // 'g' sorts after every hex digit
    const rows = await this.db.query<{ id: string }>(
      'SELECT id FROM releases WHERE id >= ? AND id < ? ORDER BY id LIMIT ?',
      [lo, hi, limit],
    );
    return rows.map((r) => r.id as ReleaseId);
  }

  async listReleases(filter: { name?: string } = {}): Promise<ReleaseRecord[]> {
    const where = filter.name === undefined ? '' : ' WHERE name = ?';
    const params = filter.name === undefined ? [] : [filter.name];
    const rows = await this.db.query<ReleaseRow>(
      `SELECT ${RELEASE_COLUMNS} FROM releases${where} ORDER BY created_at, id`,
      params,
    );
    return rows.map(toRelease);
  }

  async getRoute(name: string): Promise<RouteRecord | undefined> {
    const rows = await this.db.query<{ route: string; stable: string; updated_at: string }>(
      'SELECT route, stable, updated_at FROM route_state WHERE route = ?',
      [name],
    );
    const row = rows[0];
    return row ? { name: row.route, stable: row.stable as ReleaseId, updatedAt: row.updated_at } : undefined;
  }

  transaction<T>(fn: (tx: Store) => Promise<T>, opts?: { lock?: string }): Promise<T> {
    return this.db.transaction((tx) => fn(new SqlStore(tx)), opts);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
