import { sha256Digest, type Digest } from '../kernel/digest.js';
import type { ReleaseId } from '../release/resolved-manifest.js';
import type { Row, SqlDriver, SqlParam } from './driver.js';
import { insertMany } from './insert-many.js';
import type { Arm, ArmIntervalRecord, RouteStateRecord, TraceRecord, TraceStore } from './store.js';

const ROUTE_LOCK = 'sluice:route_state';

const TRACE_COLUMNS = [
  'id',
  'route',
  'release_id',
  'arm',
  'sticky_hash',
  'status',
  'latency_ms',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'slice',
  'input',
  'output',
  'created_at',
  'vars',
  'client',
  'endpoint',
  'model',
  'tool_calls',
  'request_id',
] as const;

/** tool_calls of a trace whose answer made none. */
const NO_TOOL_CALLS = '[]';

/**
 * Erased content: `{"erased":"sha256:<hex>"}`, the digest of the (redacted)
 * text it replaced, so whoever still holds that text can show it is the same.
 * A stored input is a JSON array or free text, never this object, so a
 * marker is recognized by its prefix.
 */
const ERASED_PREFIX = '{"erased":"sha256:';
const NOT_ERASED = `NOT LIKE '${ERASED_PREFIX}%'`;

/** The marker that replaces erased content: it keeps the content's digest. */
export function erasedContent(text: string): string {
  return JSON.stringify({ erased: sha256Digest(text) });
}

/** The digest an erasure marker keeps, or undefined when `text` is not a marker. */
export function erasedDigest(text: string): Digest | undefined {
  if (!text.startsWith(ERASED_PREFIX)) return undefined;
  try {
    const v = JSON.parse(text) as { erased?: unknown };
    return typeof v.erased === 'string' && /^sha256:[0-9a-f]{64}$/.test(v.erased) ? (v.erased as Digest) : undefined;
  } catch {
    return undefined;
  }
}

/** What erasing a trace that made no tool calls leaves in tool_calls: still no tool calls. */
const ERASED_NO_TOOL_CALLS = erasedContent(NO_TOOL_CALLS);

/** Rows erased per transaction: bounded memory, and writers are not held up for long. */
const ERASE_BATCH = 500;

const INTERVAL_COLUMNS = [
  'route',
  'rollout_id',
  'arm',
  'interval_start',
  'count',
  'errors',
  'latency_p50',
  'latency_p95',
  'tokens',
  'cost_usd',
  'gateway_id',
] as const;

const INTERVAL_UPSERT = `ON CONFLICT (route, rollout_id, arm, interval_start, gateway_id) DO UPDATE SET ${INTERVAL_COLUMNS.slice(
  4,
  10,
)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

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

function toTrace(r: Row): TraceRecord {
  return {
    id: String(r.id),
    route: String(r.route),
    releaseId: String(r.release_id),
    arm: String(r.arm) as Arm,
    stickyHash: r.sticky_hash === null ? null : String(r.sticky_hash),
    status: Number(r.status),
    latencyMs: Number(r.latency_ms),
    promptTokens: Number(r.prompt_tokens),
    completionTokens: Number(r.completion_tokens),
    costUsd: Number(r.cost_usd),
    slice: r.slice === null ? null : String(r.slice),
    input: String(r.input),
    vars: r.vars === undefined || r.vars === null ? '{}' : String(r.vars),
    output: String(r.output),
    ...(typeof r.tool_calls === 'string' && r.tool_calls !== NO_TOOL_CALLS && r.tool_calls !== ERASED_NO_TOOL_CALLS
      ? { toolCalls: r.tool_calls }
      : {}),
    ...(typeof r.request_id === 'string' ? { requestId: r.request_id } : {}),
    createdAt: String(r.created_at),
    ...(r.client === null || r.client === undefined ? {} : { client: String(r.client) }),
    ...(r.endpoint === null || r.endpoint === undefined ? {} : { endpoint: String(r.endpoint) }),
    ...(r.model === null || r.model === undefined ? {} : { model: String(r.model) }),
  };
}

function toInterval(r: Row): ArmIntervalRecord {
  return {
    route: String(r.route),
    rolloutId: String(r.rollout_id),
    arm: String(r.arm) as Arm,
    intervalStart: String(r.interval_start),
    count: Number(r.count),
    errors: Number(r.errors),
    latencyP50: Number(r.latency_p50),
    latencyP95: Number(r.latency_p95),
    tokens: Number(r.tokens),
    costUsd: Number(r.cost_usd),
    gatewayId: String(r.gateway_id),
  };
}

/** Builds " WHERE a = ? AND b >= ?" from the filters that are set. */
function where(conditions: readonly [string, SqlParam | undefined][]): { sql: string; params: SqlParam[] } {
  const set = conditions.filter((c): c is [string, SqlParam] => c[1] !== undefined);
  return { sql: set.length ? ` WHERE ${set.map((c) => c[0]).join(' AND ')}` : '', params: set.map((c) => c[1]) };
}

/**
 * Replaces the content columns of the matching rows with erasure markers, a
 * batch per transaction until none is left (an interrupted run is completed by
 * running it again). Returns how many rows were erased.
 */
async function eraseContent(
  db: SqlDriver,
  table: 'traces' | 'shadow_pairs',
  columns: readonly string[],
  filter: { stickyHash?: string; before?: string },
): Promise<number> {
  if (filter.stickyHash === undefined && filter.before === undefined)
    throw new RangeError('erasing content needs a sticky hash, a time, or both');
  const w = where([
    ['sticky_hash = ?', filter.stickyHash],
    ['created_at < ?', filter.before],
  ]);
  const select = `SELECT id, ${columns.join(', ')} FROM ${table}${w.sql} AND ${columns[0]} ${NOT_ERASED} ORDER BY id LIMIT ${ERASE_BATCH}`;
  const update = `UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await tx.query(select, w.params);
      for (const r of rows) await tx.run(update, [...columns.map((c) => erasedContent(String(r[c]))), String(r.id)]);
      return rows.length;
    });
    total += n;
    if (n < ERASE_BATCH) return total;
  }
}

/** The gateway's tables over any SqlDriver. */
export function sqlTraceStore(db: SqlDriver): TraceStore {
  return {
    async getRouteStates() {
      const rows = await db.query(
        'SELECT route, stable, candidate, weight, rollout_id, version, updated_at FROM route_state ORDER BY route',
      );
      return rows.map(toRouteState);
    },
    putRouteState(s) {
      // Under a lock, so versions grow strictly in commit order and a poller never misses one.
      return db.transaction(
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
    },
    async routeStateVersion() {
      const rows = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM route_state');
      return Number(rows[0]?.v ?? 0);
    },
    async insertTraces(rows) {
      if (rows.length === 0) return;
      const values = rows.map((t) => [
        ...[t.id, t.route, t.releaseId, t.arm, t.stickyHash, t.status, t.latencyMs],
        ...[t.promptTokens, t.completionTokens, t.costUsd, t.slice, t.input, t.output, t.createdAt, t.vars],
        ...[t.client ?? null, t.endpoint ?? null, t.model ?? null],
        ...[t.toolCalls ?? NO_TOOL_CALLS, t.requestId ?? null],
      ]);
      await insertMany(db, 'traces', TRACE_COLUMNS, values, 'ON CONFLICT (id) DO NOTHING');
    },
    async listTraces(filter = {}) {
      const w = where([
        ['route = ?', filter.route],
        ['release_id = ?', filter.releaseId],
        ['created_at >= ?', filter.since],
      ]);
      const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
      const rows = await db.query(
        `SELECT ${TRACE_COLUMNS.join(', ')} FROM traces${w.sql} ORDER BY created_at, id${limit}`,
        w.params,
      );
      return rows.map(toTrace);
    },
    async searchTraces(filter) {
      const w = where([
        ['route = ?', filter.route],
        ['release_id = ?', filter.releaseId],
        ['arm = ?', filter.arm],
        ['status = ?', filter.status],
        ['sticky_hash = ?', filter.stickyHash],
        ['created_at >= ?', filter.since],
        ['created_at <= ?', filter.until],
      ]);
      const content = filter.withContent ? `input ${NOT_ERASED}` : '';
      const cond = content ? (w.sql ? `${w.sql} AND ${content}` : ` WHERE ${content}`) : w.sql;
      const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
      const order = filter.newest && limit ? 'created_at DESC, id DESC' : 'created_at, id';
      const rows = await db.query(
        `SELECT ${TRACE_COLUMNS.join(', ')} FROM traces${cond} ORDER BY ${order}${limit}`,
        w.params,
      );
      const traces = rows.map(toTrace);
      return filter.newest && limit ? traces.reverse() : traces;
    },
    eraseTraceContent(filter) {
      return eraseContent(db, 'traces', ['input', 'output', 'vars', 'tool_calls'], filter);
    },
    eraseShadowPairContent(filter) {
      return eraseContent(db, 'shadow_pairs', ['input', 'stable_output', 'shadow_output'], filter);
    },
    async putArmIntervals(rows) {
      if (rows.length === 0) return;
      const values = rows.map((r) => [
        ...[r.route, r.rolloutId, r.arm, r.intervalStart, r.count, r.errors],
        ...[r.latencyP50, r.latencyP95, r.tokens, r.costUsd, r.gatewayId],
      ]);
      await insertMany(db, 'arm_intervals', INTERVAL_COLUMNS, values, INTERVAL_UPSERT);
    },
    async armIntervals(filter) {
      const w = where([
        ['route = ?', filter.route],
        ['rollout_id = ?', filter.rolloutId],
        ['interval_start >= ?', filter.since],
      ]);
      const rows = await db.query(
        `SELECT ${INTERVAL_COLUMNS.join(', ')} FROM arm_intervals${w.sql} ORDER BY interval_start, arm, gateway_id`,
        w.params,
      );
      return rows.map(toInterval);
    },
  };
}
