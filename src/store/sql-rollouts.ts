import type { SqlDriver } from './driver.js';
import { insertMany } from './insert-many.js';
import type { ControlStore, RolloutRow, ShadowPairRecord } from './store.js';

const toRollout = (r: Record<string, unknown>): RolloutRow => ({
  rolloutId: String(r.rollout_id),
  route: String(r.route),
  spec: String(r.spec),
  status: String(r.status),
  version: Number(r.version),
  createdAt: String(r.created_at),
});

const ROLLOUT = 'SELECT rollout_id, route, spec, status, version, created_at FROM rollouts';

/** Rollouts, operator commands, leases, tokens, shadow and observer rows over any SqlDriver. */
export function sqlControlStore(db: SqlDriver): ControlStore {
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
        [r.rolloutId, r.route, r.spec, r.status, now, now],
      );
    },
    async commitRollout(rolloutId, expectedVersion, status) {
      const { changes } = await db.run(
        'UPDATE rollouts SET status = ?, version = version + 1, updated_at = ? WHERE rollout_id = ? AND version = ?',
        [status, new Date().toISOString(), rolloutId, expectedVersion],
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
      return seq;
    },
    async commandsAfter(rolloutId, afterSeq) {
      const rows = await db.query(
        'SELECT seq, kind, actor, reason, at FROM rollout_commands WHERE rollout_id = ? AND seq > ? ORDER BY seq',
        [rolloutId, afterSeq],
      );
      return rows.map((r) => ({
        seq: Number(r.seq),
        kind: String(r.kind),
        actor: String(r.actor),
        ...(r.reason ? { reason: String(r.reason) } : {}),
        at: Number(r.at),
      }));
    },
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
    async insertShadowPairs(rows: readonly ShadowPairRecord[]) {
      const cols = [
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
      ];
      await insertMany(
        db,
        'shadow_pairs',
        cols,
        rows.map((p) => [
          p.id,
          p.route,
          p.stableRelease,
          p.shadowRelease,
          p.slice,
          p.stickyHash,
          p.input,
          p.stableOutput,
          p.shadowOutput,
          p.stableLatencyMs,
          p.shadowLatencyMs,
          p.stableCostUsd,
          p.shadowCostUsd,
          p.createdAt,
        ]),
        'ON CONFLICT DO NOTHING',
      );
    },
    async shadowPairs(filter) {
      const where: string[] = [];
      const params: string[] = [];
      if (filter.route) where.push('route = ?'), params.push(filter.route);
      if (filter.shadowRelease) where.push('shadow_release = ?'), params.push(filter.shadowRelease);
      const rows = await db.query(
        `SELECT * FROM shadow_pairs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
        params,
      );
      return rows.map((r) => ({
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
      }));
    },
    async insertObserveSamples(rows) {
      await insertMany(
        db,
        'observe_samples',
        ['id', 'route', 'release_id', 'slice', 'at', 'quality', 'judge_error', 'flags'],
        rows.map((s) => [
          s.id,
          s.route,
          s.releaseId,
          s.slice,
          s.at,
          s.quality,
          s.judgeError ? 1 : 0,
          JSON.stringify(s.flags),
        ]),
        'ON CONFLICT DO NOTHING',
      );
    },
    async observeSamples(releaseId, sinceMs, untilMs) {
      const until = untilMs === undefined ? '' : ' AND at < ?';
      const params = untilMs === undefined ? [releaseId, sinceMs] : [releaseId, sinceMs, untilMs];
      const rows = await db.query(
        `SELECT id, route, release_id, slice, at, quality, judge_error, flags FROM observe_samples WHERE release_id = ? AND at >= ?${until} ORDER BY at, id`,
        params,
      );
      return rows.map((r) => ({
        id: String(r.id),
        route: String(r.route),
        releaseId: String(r.release_id),
        slice: String(r.slice),
        at: Number(r.at),
        quality: r.quality === null ? null : Number(r.quality),
        judgeError: Number(r.judge_error) === 1,
        flags: JSON.parse(String(r.flags)) as Record<string, boolean>,
      }));
    },
  };
}
