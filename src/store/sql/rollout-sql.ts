import { commandSchema, rolloutSpecSchema, rolloutStatusSchema } from '../../rollout/rollout-schema.js';
import type { RolloutRow, RolloutStore } from '../../rollout/rollout-store.js';
import type { Row, SqlDriver } from '../driver.js';
import { parseStored } from './parse-stored.js';

/** The channel queued commands are announced on, where the driver can notify. */
export const COMMAND_CHANNEL = 'sluice_commands';

const toRollout = (r: Row): RolloutRow => ({
  rolloutId: String(r.rollout_id),
  route: String(r.route),
  spec: parseStored(rolloutSpecSchema, String(r.spec), 'rollout spec'),
  status: parseStored(rolloutStatusSchema, String(r.status), 'rollout status'),
  version: Number(r.version),
  createdAt: String(r.created_at),
});

const ROLLOUT = 'SELECT rollout_id, route, spec, status, version, created_at FROM rollouts';

/** Rollouts and their operator commands over any SqlDriver; a driver that can notify announces every command. */
export function rolloutSql(db: SqlDriver): RolloutStore {
  const listen = db.listen?.bind(db);
  return {
    async getRollout(rolloutId) {
      const rows = await db.query(`${ROLLOUT} WHERE rollout_id = ?`, [rolloutId]);
      return rows[0] ? toRollout(rows[0]) : undefined;
    },
    async latestRollout(route) {
      const rows = await db.query(`${ROLLOUT} WHERE route = ? ORDER BY created_at DESC, rollout_id DESC LIMIT 1`, [
        route,
      ]);
      return rows[0] ? toRollout(rows[0]) : undefined;
    },
    async insertRollout(r) {
      const now = new Date().toISOString();
      await db.run(
        'INSERT INTO rollouts (rollout_id, route, spec, status, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)',
        [r.rolloutId, r.route, JSON.stringify(r.spec), JSON.stringify(r.status), now, now],
      );
    },
    async commitRollout(rolloutId, expectedVersion, status) {
      const { changes } = await db.run(
        'UPDATE rollouts SET status = ?, version = version + 1, updated_at = ? WHERE rollout_id = ? AND version = ?',
        [JSON.stringify(status), new Date().toISOString(), rolloutId, expectedVersion],
      );
      return changes === 1;
    },
    async queueCommand(rolloutId, c) {
      const rows = await db.query<{ n: number | null }>(
        'SELECT MAX(seq) AS n FROM rollout_commands WHERE rollout_id = ?',
        [rolloutId],
      );
      const seq = Number(rows[0]?.n ?? 0) + 1;
      await db.run(
        'INSERT INTO rollout_commands (rollout_id, seq, kind, actor, reason, at) VALUES (?, ?, ?, ?, ?, ?)',
        [rolloutId, seq, c.kind, c.actor, c.reason ?? null, c.at],
      );
      // An operator's command wakes the controller at once instead of on its next tick.
      await db.notify?.(COMMAND_CHANNEL, rolloutId);
      return seq;
    },
    async commandsAfter(rolloutId, afterSeq) {
      const rows = await db.query(
        'SELECT seq, kind, actor, reason, at FROM rollout_commands WHERE rollout_id = ? AND seq > ? ORDER BY seq',
        [rolloutId, afterSeq],
      );
      return rows.map((r) =>
        commandSchema.parse({
          seq: Number(r.seq),
          kind: r.kind,
          actor: r.actor,
          ...(r.reason ? { reason: r.reason } : {}),
          at: Number(r.at),
        }),
      );
    },
    ...(listen
      ? { subscribeCommands: async (onCommand: () => void) => listen(COMMAND_CHANNEL, () => onCommand()) }
      : {}),
  };
}
