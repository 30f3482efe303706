import type { LeaseRows } from '../../rollout/rollout-store.js';
import type { SqlDriver } from '../driver.js';

/** Named leases with compare-and-set over any SqlDriver. */
export function leaseSql(db: SqlDriver): LeaseRows {
  return {
    async readLease(name) {
      const rows = await db.query('SELECT holder, expires_at FROM leases WHERE name = ?', [name]);
      return rows[0] ? { holder: String(rows[0].holder), expiresAt: Number(rows[0].expires_at) } : null;
    },
    async compareAndSetLease(name, expected, next) {
      if (expected === null) {
        const { changes } = await db.run(
          'INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          [name, next.holder, next.expiresAt],
        );
        return changes === 1;
      }
      const { changes } = await db.run(
        'UPDATE leases SET holder = ?, expires_at = ? WHERE name = ? AND holder = ? AND expires_at = ?',
        [next.holder, next.expiresAt, name, expected.holder, expected.expiresAt],
      );
      return changes === 1;
    },
  };
}
