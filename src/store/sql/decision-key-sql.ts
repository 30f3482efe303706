import type { DecisionKeyStore } from '../../audit/audit-store.js';
import type { SqlDriver } from '../driver.js';
import { insertMany } from './insert-many.js';

/** Decision keys (which decisions have a receipt) over any SqlDriver. */
export function decisionKeySql(db: SqlDriver): DecisionKeyStore {
  return {
    async decisionKeys(keys) {
      const found = new Map<string, number>();
      for (let i = 0; i < keys.length; i += 100) {
        const chunk = keys.slice(i, i + 100);
        if (chunk.length === 0) continue;
        const rows = await db.query(
          `SELECT key, audit_index FROM decision_keys WHERE key IN (${chunk.map(() => '?').join(', ')})`,
          chunk,
        );
        for (const r of rows) found.set(String(r.key), Number(r.audit_index));
      }
      return found;
    },
    async putDecisionKeys(rows) {
      await insertMany(
        db,
        'decision_keys',
        ['key', 'audit_index'],
        rows.map((r) => [r.key, r.index]),
        'ON CONFLICT DO NOTHING',
      );
    },
  };
}
