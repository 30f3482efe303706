import type { AuditCheckpoint, AuditEntryRecord, AuditNode, AuditStore } from '../../audit/audit-store.js';
import type { Row, SqlDriver } from '../driver.js';
import { BATCH, insertMany } from './insert-many.js';

interface EntryRow extends Row {
  idx: number;
  kind: string;
  subject: string;
  actor: string;
  leaf: Buffer;
  created_at: string;
}

const toEntry = (r: EntryRow): AuditEntryRecord => ({
  index: Number(r.idx),
  kind: r.kind,
  subject: r.subject,
  actor: r.actor,
  leaf: r.leaf,
  createdAt: r.created_at,
});

const toCheckpoint = (r: Row): AuditCheckpoint => ({
  size: Number(r.size),
  note: String(r.note),
  createdAt: String(r.created_at),
});

/** The audit tables over any SqlDriver. */
export function auditSql(db: SqlDriver): AuditStore {
  return {
    async auditSize() {
      const rows = await db.query<{ n: number | null }>('SELECT MAX(idx) AS n FROM audit_entries');
      const max = rows[0]?.n;
      return max === null || max === undefined ? 0 : Number(max) + 1;
    },

    async appendAudit(entries: readonly AuditEntryRecord[], nodes: readonly AuditNode[], checkpoint: AuditCheckpoint) {
      await insertMany(
        db,
        'audit_entries',
        ['idx', 'kind', 'subject', 'actor', 'leaf', 'created_at'],
        entries.map((e) => [e.index, e.kind, e.subject, e.actor, e.leaf, e.createdAt]),
      );
      await insertMany(
        db,
        'audit_nodes',
        ['level', 'idx', 'hash'],
        nodes.map((n) => [n.level, n.index, n.hash]),
      );
      await db.run('INSERT INTO audit_checkpoints (size, note, created_at) VALUES (?, ?, ?)', [
        checkpoint.size,
        checkpoint.note,
        checkpoint.createdAt,
      ]);
    },

    async auditEntries(from: number, to: number, filter: { kind?: string; subject?: string } = {}) {
      const where = ['idx >= ?', 'idx < ?'];
      const params: (string | number)[] = [from, to];
      if (filter.kind !== undefined) {
        where.push('kind = ?');
        params.push(filter.kind);
      }
      if (filter.subject !== undefined) {
        where.push('subject = ?');
        params.push(filter.subject);
      }
      const rows = await db.query<EntryRow>(
        `SELECT idx, kind, subject, actor, leaf, created_at FROM audit_entries WHERE ${where.join(' AND ')} ORDER BY idx`,
        params,
      );
      return rows.map(toEntry);
    },

    async auditNodes(ids: readonly { level: number; index: number }[]) {
      if (ids.length === 0) return [];
      const found = new Map<string, Buffer>();
      for (let i = 0; i < ids.length; i += BATCH) {
        const chunk = ids.slice(i, i + BATCH);
        const rows = await db.query<{ level: number; idx: number; hash: Buffer }>(
          `SELECT level, idx, hash FROM audit_nodes WHERE ${chunk.map(() => '(level = ? AND idx = ?)').join(' OR ')}`,
          chunk.flatMap((id) => [id.level, id.index]),
        );
        for (const r of rows) found.set(`${r.level}/${Number(r.idx)}`, r.hash);
      }
      return ids.map((id) => found.get(`${id.level}/${id.index}`));
    },

    async auditNodesAt(level: number, from: number, to: number) {
      const rows = await db.query<{ idx: number; hash: Buffer }>(
        'SELECT idx, hash FROM audit_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx',
        [level, from, to],
      );
      return rows.map((r) => ({ index: Number(r.idx), hash: r.hash }));
    },

    async latestCheckpoint() {
      const rows = await db.query('SELECT size, note, created_at FROM audit_checkpoints ORDER BY size DESC LIMIT 1');
      return rows[0] ? toCheckpoint(rows[0]) : undefined;
    },

    async checkpoints() {
      return (await db.query('SELECT size, note, created_at FROM audit_checkpoints ORDER BY size')).map(toCheckpoint);
    },

    async putAuditKey(keyid: string, publicKeyPem: string) {
      await db.run(
        'INSERT INTO audit_keys (keyid, public_key, created_at) VALUES (?, ?, ?) ON CONFLICT (keyid) DO NOTHING',
        [keyid, publicKeyPem, new Date().toISOString()],
      );
    },

    async auditKeys() {
      const rows = await db.query<{ keyid: string; public_key: string }>(
        'SELECT keyid, public_key FROM audit_keys ORDER BY created_at, keyid',
      );
      return rows.map((r) => ({ keyid: r.keyid, publicKeyPem: r.public_key }));
    },
  };
}
