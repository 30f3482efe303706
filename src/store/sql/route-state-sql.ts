import type { RouteStateRecord, RouteStateStore } from '../../gateway/route-state-store.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';
import type { Row, SqlDriver } from '../driver.js';

const ROUTE_LOCK = 'sluice:route_state';
/** The channel route changes are announced on, where the driver can notify. */
export const ROUTE_CHANNEL = 'sluice_routes';

function toRouteState(r: Row): RouteStateRecord {
  return {
    route: String(r.route),
    stable: String(r.stable) as ReleaseId,
    candidate: r.candidate === null || r.candidate === undefined ? null : (String(r.candidate) as ReleaseId),
    weight: Number(r.weight),
    rolloutId: r.rollout_id === null || r.rollout_id === undefined ? null : String(r.rollout_id),
    version: Number(r.version),
    updatedAt: String(r.updated_at),
  };
}

/** The route state over any SqlDriver; a driver that can notify announces every change. */
export function routeStateSql(db: SqlDriver): RouteStateStore {
  const listen = db.listen?.bind(db);
  return {
    async getRouteStates() {
      const rows = await db.query(
        'SELECT route, stable, candidate, weight, rollout_id, version, updated_at FROM route_state ORDER BY route',
      );
      return rows.map(toRouteState);
    },
    async putRouteState(s) {
      // Under a lock, so versions grow strictly in commit order and a poller never misses one.
      const written = await db.transaction(
        async (tx) => {
          const rows = await tx.query<{ v: number | null }>('SELECT MAX(version) AS v FROM route_state');
          const version = Number(rows[0]?.v ?? 0) + 1;
          const updatedAt = new Date().toISOString();
          await tx.run(
            `INSERT INTO route_state (route, stable, candidate, weight, rollout_id, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (route) DO UPDATE SET stable = excluded.stable, candidate = excluded.candidate, weight = excluded.weight,
             rollout_id = excluded.rollout_id, version = excluded.version, updated_at = excluded.updated_at`,
            [s.route, s.stable, s.candidate, s.weight, s.rolloutId, version, updatedAt],
          );
          return { ...s, version, updatedAt };
        },
        { lock: ROUTE_LOCK },
      );
      // Every route change is announced; inside a transaction the message is delivered at commit.
      await db.notify?.(ROUTE_CHANNEL, s.route);
      return written;
    },
    async routeStateVersion() {
      const rows = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM route_state');
      return Number(rows[0]?.v ?? 0);
    },
    async getRoute(name) {
      const rows = await db.query<{ route: string; stable: string; updated_at: string }>(
        'SELECT route, stable, updated_at FROM route_state WHERE route = ?',
        [name],
      );
      const row = rows[0];
      return row ? { name: row.route, stable: row.stable as ReleaseId, updatedAt: row.updated_at } : undefined;
    },
    ...(listen
      ? { subscribeRouteChanges: async (onChange: () => void) => listen(ROUTE_CHANNEL, () => onChange()) }
      : {}),
  };
}
