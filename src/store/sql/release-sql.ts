import type { Component } from '../../config/release-schema.js';
import { sha256Digest } from '../../kernel/digest.js';
import type { ReleaseRecord, ReleaseStore } from '../../release/release-store.js';
import type { ReleaseId, ResolvedManifest } from '../../release/resolved-manifest.js';
import type { Row, SqlDriver } from '../driver.js';

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
    // Written by insertRelease from a resolved manifest that passed its schema at register.
    manifest: JSON.parse(row.manifest) as ResolvedManifest,
    baseline: row.baseline as ReleaseId | null,
    changes: JSON.parse(row.changes) as Component[],
    actor: row.actor,
    createdAt: row.created_at,
  };
}

/** Blobs and releases over any SqlDriver. */
export function releaseSql(db: SqlDriver): ReleaseStore {
  return {
    async putBlob(bytes) {
      const digest = sha256Digest(bytes);
      await db.run(
        'INSERT INTO blobs (digest, size, bytes, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (digest) DO NOTHING',
        [
          digest,
          bytes.byteLength,
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          new Date().toISOString(),
        ],
      );
      return digest;
    },
    async getBlob(digest) {
      const rows = await db.query<{ bytes: Buffer }>('SELECT bytes FROM blobs WHERE digest = ?', [digest]);
      return rows[0]?.bytes;
    },
    async insertRelease(r) {
      const { changes } = await db.run(
        `INSERT INTO releases (${RELEASE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [r.id, r.name, JSON.stringify(r.manifest), r.baseline, JSON.stringify(r.changes), r.actor, r.createdAt],
      );
      return { inserted: changes > 0 };
    },
    async getRelease(id) {
      const rows = await db.query<ReleaseRow>(`SELECT ${RELEASE_COLUMNS} FROM releases WHERE id = ?`, [id]);
      return rows[0] ? toRelease(rows[0]) : undefined;
    },
    async findReleaseIds(hexPrefix, limit) {
      if (!/^[0-9a-f]*$/.test(hexPrefix)) return [];
      const lo = `sha256:${hexPrefix}`;
      const hi = `sha256:${hexPrefix}g`; // 'g' sorts after every hex digit
      const rows = await db.query<{ id: string }>(
        'SELECT id FROM releases WHERE id >= ? AND id < ? ORDER BY id LIMIT ?',
        [lo, hi, limit],
      );
      return rows.map((r) => r.id as ReleaseId);
    },
    async listReleases(filter = {}) {
      const where = filter.name === undefined ? '' : ' WHERE name = ?';
      const params = filter.name === undefined ? [] : [filter.name];
      const rows = await db.query<ReleaseRow>(
        `SELECT ${RELEASE_COLUMNS} FROM releases${where} ORDER BY created_at, id`,
        params,
      );
      return rows.map(toRelease);
    },
    async releasePage(filter, page) {
      const where = filter.name === undefined ? '' : ' WHERE name = ?';
      const params = filter.name === undefined ? [] : [filter.name];
      const [count] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM releases${where}`, params);
      const rows = await db.query<ReleaseRow>(
        `SELECT ${RELEASE_COLUMNS} FROM releases${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
        [...params, page.limit, page.offset],
      );
      return { total: Number(count?.n ?? 0), releases: rows.map(toRelease) };
    },
    async releaseRoutes() {
      const rows = await db.query<{ name: string; n: number | string }>(
        'SELECT name, COUNT(*) AS n FROM releases GROUP BY name ORDER BY name',
      );
      return rows.map((r) => ({ name: r.name, count: Number(r.n) }));
    },
  };
}
