import type { Arm, ArmIntervalRecord, TraceRecord, TraceStore } from '../../gateway/trace-store.js';
import type { Row, SqlDriver } from '../driver.js';
import { erasedContent } from '../erased-content.js';
import { eraseContent, NOT_ERASED } from './erase-content.js';
import { insertMany } from './insert-many.js';
import { where } from './sql-where.js';

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

/** What erasing a trace that made no tool calls leaves in tool_calls: still no tool calls. */
const ERASED_NO_TOOL_CALLS = erasedContent(NO_TOOL_CALLS);

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
  'log_latency_n',
  'log_latency_mean',
  'log_latency_m2',
  'cost_m2',
] as const;

/** The key of an interval row; a rewrite of the same key replaces every other column. */
const INTERVAL_KEY: readonly string[] = ['route', 'rollout_id', 'arm', 'interval_start', 'gateway_id'];

const INTERVAL_UPSERT = `ON CONFLICT (${INTERVAL_KEY.join(', ')}) DO UPDATE SET ${INTERVAL_COLUMNS.filter(
  (c) => !INTERVAL_KEY.includes(c),
)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

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
    ...(r.log_latency_n === null || r.log_latency_mean === null || r.log_latency_m2 === null
      ? {}
      : {
          logLatency: {
            n: Number(r.log_latency_n),
            mean: Number(r.log_latency_mean),
            m2: Number(r.log_latency_m2),
          },
        }),
    ...(r.cost_m2 === null
      ? {}
      : {
          costs: {
            n: Number(r.count),
            mean: Number(r.count) > 0 ? Number(r.cost_usd) / Number(r.count) : 0,
            m2: Number(r.cost_m2),
          },
        }),
  };
}

/** The gateway's traces and per-interval aggregates over any SqlDriver. */
export function traceSql(db: SqlDriver): TraceStore {
  return {
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
    async purgeErasedContent(opts) {
      return db.purgeReplaced ? db.purgeReplaced(['traces', 'shadow_pairs'], opts) : { done: [], remaining: [] };
    },
    async putArmIntervals(rows) {
      if (rows.length === 0) return;
      const values = rows.map((r) => [
        ...[r.route, r.rolloutId, r.arm, r.intervalStart, r.count, r.errors],
        ...[r.latencyP50, r.latencyP95, r.tokens, r.costUsd, r.gatewayId],
        ...[r.logLatency?.n ?? null, r.logLatency?.mean ?? null, r.logLatency?.m2 ?? null, r.costs?.m2 ?? null],
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
