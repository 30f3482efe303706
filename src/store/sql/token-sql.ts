import type { TokenRecord, TokenStore } from '../../app/api/token-store.js';
import type { Row, SqlDriver } from '../driver.js';

const COLUMNS = 'hash, name, role, created_at, expires_at, last_used_at, revoked_at';

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const toToken = (r: Row): TokenRecord => ({
  hash: String(r.hash),
  name: String(r.name),
  role: String(r.role),
  createdAt: String(r.created_at),
  expiresAt: text(r.expires_at),
  lastUsedAt: text(r.last_used_at),
  revokedAt: text(r.revoked_at),
});

/** A hash prefix long enough to name one token (8 to 64 lowercase hex digits). */
const HASH_PREFIX = /^[0-9a-f]{8,64}$/;

/** Control-API tokens over any SqlDriver. */
export function tokenSql(db: SqlDriver): TokenStore {
  return {
    async putToken(t) {
      await db.run('INSERT INTO api_tokens (hash, name, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
        t.hash,
        t.name,
        t.role,
        t.createdAt ?? new Date().toISOString(),
        t.expiresAt ?? null,
      ]);
    },
    async tokenByHash(hash) {
      const rows = await db.query(`SELECT ${COLUMNS} FROM api_tokens WHERE hash = ?`, [hash]);
      return rows[0] ? toToken(rows[0]) : undefined;
    },
    async tokenCount() {
      const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM api_tokens');
      return Number(rows[0]?.n ?? 0);
    },
    async listTokens() {
      return (await db.query(`SELECT ${COLUMNS} FROM api_tokens ORDER BY created_at, name, hash`)).map(toToken);
    },
    async revokeTokens(nameOrPrefix, at) {
      const byPrefix = HASH_PREFIX.test(nameOrPrefix) ? ' OR hash LIKE ?' : '';
      const rows = await db.query(
        `SELECT hash FROM api_tokens WHERE revoked_at IS NULL AND (name = ?${byPrefix})`,
        byPrefix ? [nameOrPrefix, `${nameOrPrefix}%`] : [nameOrPrefix],
      );
      for (const r of rows) await db.run('UPDATE api_tokens SET revoked_at = ? WHERE hash = ?', [at, String(r.hash)]);
      return rows.length;
    },
    async touchToken(hash, at) {
      await db.run('UPDATE api_tokens SET last_used_at = ? WHERE hash = ?', [at, hash]);
    },
  };
}
