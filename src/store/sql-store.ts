import type { Component } from '../config/release-schema.js';
import { sha256Digest, type Digest } from '../core/digest.js';
import type { ReleaseId, ResolvedManifest } from '../manifest/resolved-manifest.js';
import type { Row, SqlDriver } from './driver.js';
import { sqlAuditStore } from './sql-audit.js';
import { sqlGateStore } from './sql-gate.js';
import { sqlTraceStore } from './sql-traces.js';
import type { AuditStore, GateStore, ReleaseRecord, RouteRecord, Store, TraceStore } from './store.js';

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

/** The Store over any SqlDriver: the SQL here runs unchanged on SQLite and PostgreSQL. */
export class SqlStore implements Store {
  private readonly audit: AuditStore;
  private readonly gate: GateStore;
  private readonly traces: TraceStore;

  constructor(protected readonly db: SqlDriver) {
    this.audit = sqlAuditStore(db);
    this.gate = sqlGateStore(db);
    this.traces = sqlTraceStore(db);
  }

  getRouteStates: TraceStore['getRouteStates'] = () => this.traces.getRouteStates();
  putRouteState: TraceStore['putRouteState'] = (s) => this.traces.putRouteState(s);
  routeStateVersion: TraceStore['routeStateVersion'] = () => this.traces.routeStateVersion();
  insertTraces: TraceStore['insertTraces'] = (rows) => this.traces.insertTraces(rows);
  listTraces: TraceStore['listTraces'] = (f) => this.traces.listTraces(f);
  putArmIntervals: TraceStore['putArmIntervals'] = (rows) => this.traces.putArmIntervals(rows);
  armIntervals: TraceStore['armIntervals'] = (f) => this.traces.armIntervals(f);

  gateOutputs: GateStore['gateOutputs'] = (r, s) => this.gate.gateOutputs(r, s);
  putGateOutputs: GateStore['putGateOutputs'] = (rows) => this.gate.putGateOutputs(rows);
  judgeScores: GateStore['judgeScores'] = (d) => this.gate.judgeScores(d);
  putJudgeScores: GateStore['putJudgeScores'] = (d, rows) => this.gate.putJudgeScores(d, rows);
  insertGateResult: GateStore['insertGateResult'] = (r) => this.gate.insertGateResult(r);
  latestGateResult: GateStore['latestGateResult'] = (id) => this.gate.latestGateResult(id);

  auditSize = () => this.audit.auditSize();
  appendAudit: AuditStore['appendAudit'] = (e, n, c) => this.audit.appendAudit(e, n, c);
  auditEntries: AuditStore['auditEntries'] = (from, to, f) => this.audit.auditEntries(from, to, f);
  auditNodes: AuditStore['auditNodes'] = (ids) => this.audit.auditNodes(ids);
  latestCheckpoint = () => this.audit.latestCheckpoint();
  checkpoints = () => this.audit.checkpoints();
  putAuditKey = (keyid: string, pem: string) => this.audit.putAuditKey(keyid, pem);
  auditKeys = () => this.audit.auditKeys();

  get dialect() {
    return this.db.dialect;
  }

  get description() {
    return this.db.description;
  }

  async putBlob(bytes: Uint8Array): Promise<Digest> {
    const digest = sha256Digest(bytes);
    await this.db.run('INSERT INTO blobs (digest, size, bytes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING', [
      digest,
      bytes.byteLength,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      new Date().toISOString(),
    ]);
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
    const rows = await this.db.query<{ id: string }>('SELECT id FROM releases WHERE id >= ? AND id < ? ORDER BY id LIMIT ?', [
      lo,
      hi,
      limit,
    ]);
    return rows.map((r) => r.id as ReleaseId);
  }

  async listReleases(filter: { name?: string } = {}): Promise<ReleaseRecord[]> {
    const where = filter.name === undefined ? '' : ' WHERE name = ?';
    const params = filter.name === undefined ? [] : [filter.name];
    const rows = await this.db.query<ReleaseRow>(`SELECT ${RELEASE_COLUMNS} FROM releases${where} ORDER BY created_at, id`, params);
    return rows.map(toRelease);
  }

  async getRoute(name: string): Promise<RouteRecord | undefined> {
    const rows = await this.db.query<{ name: string; stable: string | null; updated_at: string }>(
      'SELECT name, stable, updated_at FROM routes WHERE name = ?',
      [name],
    );
    const row = rows[0];
    return row ? { name: row.name, stable: row.stable as ReleaseId | null, updatedAt: row.updated_at } : undefined;
  }

  async setStable(route: string, release: ReleaseId): Promise<void> {
    await this.db.run(
      'INSERT INTO routes (name, stable, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET stable = excluded.stable, updated_at = excluded.updated_at',
      [route, release, new Date().toISOString()],
    );
  }

  transaction<T>(fn: (tx: Store) => Promise<T>, opts?: { lock?: string }): Promise<T> {
    return this.db.transaction((tx) => fn(new SqlStore(tx)), opts);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
