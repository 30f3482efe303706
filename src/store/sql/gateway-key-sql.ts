import { z } from 'zod';
import type { GatewayKeyRecord, GatewayKeyStore } from '../../gateway/gateway-key-store.js';
import { SluiceError } from '../../kernel/errors.js';
import type { Row, SqlDriver } from '../driver.js';
import { parseStored } from './parse-stored.js';

const routesColumn = z.array(z.string()).nullable();

function toKey(r: Row): GatewayKeyRecord {
  const routes =
    r.routes === null || r.routes === undefined
      ? null
      : parseStored(routesColumn, String(r.routes), 'gateway key routes');
  return {
    hash: String(r.hash),
    name: String(r.name),
    routes,
    rpm: r.rpm === null || r.rpm === undefined ? null : Number(r.rpm),
    createdAt: String(r.created_at),
  };
}

/** The gateway's client keys over any SqlDriver. */
export function gatewayKeySql(db: SqlDriver): GatewayKeyStore {
  return {
    async putGatewayKey(k) {
      const { changes } = await db.run(
        'INSERT INTO gateway_keys (name, hash, routes, rpm, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [k.name, k.hash, k.routes === null ? null : JSON.stringify(k.routes), k.rpm, new Date().toISOString()],
      );
      if (changes !== 1) throw new SluiceError('refused', `a gateway key named "${k.name}" exists already`);
    },
    async gatewayKeys() {
      const rows = await db.query('SELECT name, hash, routes, rpm, created_at FROM gateway_keys ORDER BY name');
      return rows.map(toKey);
    },
    async revokeGatewayKey(name) {
      const { changes } = await db.run('DELETE FROM gateway_keys WHERE name = ?', [name]);
      return changes === 1;
    },
  };
}
