import type { TokenStore } from '../../app/api/token-store.js';
import type { SqlDriver } from '../driver.js';

/** Control-API tokens over any SqlDriver. */
export function tokenSql(db: SqlDriver): TokenStore {
  return {
    async putToken(t) {
      await db.run('INSERT INTO api_tokens (hash, name, role, created_at) VALUES (?, ?, ?, ?)', [
        t.hash,
        t.name,
        t.role,
        new Date().toISOString(),
      ]);
    },
    async tokenByHash(hash) {
      const rows = await db.query('SELECT name, role FROM api_tokens WHERE hash = ?', [hash]);
      return rows[0] ? { name: String(rows[0].name), role: String(rows[0].role) } : undefined;
    },
    async tokenCount() {
      const rows = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM api_tokens');
      return Number(rows[0]?.n ?? 0);
    },
  };
}
