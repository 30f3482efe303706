import type { ShadowPairRecord, ShadowStore } from '../../shadow/shadow-store.js';
import type { Row, SqlDriver } from '../driver.js';
import { eraseContent } from './erase-content.js';
import { insertMany } from './insert-many.js';

const PAIR_COLUMNS = [
  'id',
  'route',
  'stable_release',
  'shadow_release',
  'slice',
  'sticky_hash',
  'input',
  'stable_output',
  'shadow_output',
  'stable_latency_ms',
  'shadow_latency_ms',
  'stable_cost_usd',
  'shadow_cost_usd',
  'created_at',
] as const;

function toPair(r: Row): ShadowPairRecord {
  return {
    id: String(r.id),
    route: String(r.route),
    stableRelease: String(r.stable_release),
    shadowRelease: String(r.shadow_release),
    slice: (r.slice as string | null) ?? null,
    stickyHash: (r.sticky_hash as string | null) ?? null,
    input: String(r.input),
    stableOutput: String(r.stable_output),
    shadowOutput: String(r.shadow_output),
    stableLatencyMs: Number(r.stable_latency_ms),
    shadowLatencyMs: Number(r.shadow_latency_ms),
    stableCostUsd: Number(r.stable_cost_usd),
    shadowCostUsd: Number(r.shadow_cost_usd),
    createdAt: String(r.created_at),
  };
}

/** Shadow settings and answer pairs over any SqlDriver. */
export function shadowSql(db: SqlDriver): ShadowStore {
  return {
    async setShadow(route, shadow) {
      if (shadow === null) await db.run('DELETE FROM shadows WHERE route = ?', [route]);
      else {
        await db.run(
          'INSERT INTO shadows (route, release_id, percent, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (route) DO UPDATE SET release_id = excluded.release_id, percent = excluded.percent, updated_at = excluded.updated_at',
          [route, shadow.releaseId, shadow.percent, new Date().toISOString()],
        );
      }
    },
    async shadows() {
      const rows = await db.query('SELECT route, release_id, percent FROM shadows ORDER BY route');
      return rows.map((r) => ({ route: String(r.route), releaseId: String(r.release_id), percent: Number(r.percent) }));
    },
    async insertShadowPairs(rows) {
      await insertMany(
        db,
        'shadow_pairs',
        PAIR_COLUMNS,
        rows.map((p) => [
          ...[p.id, p.route, p.stableRelease, p.shadowRelease, p.slice, p.stickyHash, p.input],
          ...[p.stableOutput, p.shadowOutput, p.stableLatencyMs, p.shadowLatencyMs, p.stableCostUsd, p.shadowCostUsd],
          p.createdAt,
        ]),
        'ON CONFLICT DO NOTHING',
      );
    },
    async shadowPairs(filter) {
      const where: string[] = [];
      const params: string[] = [];
      if (filter.route) {
        where.push('route = ?');
        params.push(filter.route);
      }
      if (filter.shadowRelease) {
        where.push('shadow_release = ?');
        params.push(filter.shadowRelease);
      }
      const rows = await db.query(
        `SELECT * FROM shadow_pairs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
        params,
      );
      return rows.map(toPair);
    },
    eraseShadowPairContent(filter) {
      return eraseContent(db, 'shadow_pairs', ['input', 'stable_output', 'shadow_output'], filter);
    },
  };
}
