import type { Dialect, SqlDriver } from './driver.js';

interface Types {
  bytes: string;
  int: string;
}

const TYPES: Record<Dialect, Types> = {
  sqlite: { bytes: 'BLOB', int: 'INTEGER' },
  postgres: { bytes: 'BYTEA', int: 'BIGINT' },
};

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (t: Types) => string[];
}

/** Versioned, append-only: never edit a migration that has shipped; add the next one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'blobs, releases, routes',
    statements: (t) => [
      `CREATE TABLE blobs (digest TEXT PRIMARY KEY, size ${t.int} NOT NULL, bytes ${t.bytes} NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE releases (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        manifest TEXT NOT NULL,
        baseline TEXT,
        changes TEXT NOT NULL,
        actor TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      'CREATE INDEX releases_by_name ON releases (name, created_at)',
      `CREATE TABLE routes (name TEXT PRIMARY KEY, stable TEXT REFERENCES releases(id), updated_at TEXT NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: 'audit log: entries, tree nodes, checkpoints, keys',
    statements: (t) => [
      `CREATE TABLE audit_entries (
        idx ${t.int} PRIMARY KEY,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        actor TEXT NOT NULL,
        leaf ${t.bytes} NOT NULL,
        created_at TEXT NOT NULL
      )`,
      'CREATE INDEX audit_entries_by_subject ON audit_entries (subject, idx)',
      `CREATE TABLE audit_nodes (level INTEGER NOT NULL, idx ${t.int} NOT NULL, hash ${t.bytes} NOT NULL, PRIMARY KEY (level, idx))`,
      `CREATE TABLE audit_checkpoints (size ${t.int} PRIMARY KEY, note TEXT NOT NULL, created_at TEXT NOT NULL)`,
      `CREATE TABLE audit_keys (keyid TEXT PRIMARY KEY, public_key TEXT NOT NULL, created_at TEXT NOT NULL)`,
    ],
  },
  {
    version: 3,
    name: 'gate: cached outputs and judge scores, gate results',
    statements: (t) => [
      `CREATE TABLE gate_outputs (
        release_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        sample INTEGER NOT NULL,
        output TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (release_id, item_id, sample)
      )`,
      `CREATE TABLE judge_scores (judge_digest TEXT NOT NULL, subject TEXT NOT NULL, result TEXT NOT NULL, PRIMARY KEY (judge_digest, subject))`,
      `CREATE TABLE gate_results (
        seq ${t.int === 'BIGINT' ? 'BIGSERIAL' : 'INTEGER'} PRIMARY KEY ${t.int === 'BIGINT' ? '' : 'AUTOINCREMENT'},
        digest TEXT NOT NULL,
        release_id TEXT NOT NULL,
        baseline_id TEXT,
        verdict TEXT NOT NULL,
        overridden INTEGER NOT NULL,
        preprocessing_digest TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at TEXT NOT NULL
      )`,
      'CREATE INDEX gate_results_by_release ON gate_results (release_id, seq)',
    ],
  },
  {
    version: 4,
    name: 'gateway: route state, traces, per-interval arm aggregates',
    statements: (t) => {
      const real = t.int === 'BIGINT' ? 'DOUBLE PRECISION' : 'REAL';
      return [
        `CREATE TABLE route_state (
          route TEXT PRIMARY KEY,
          stable TEXT NOT NULL,
          candidate TEXT,
          weight ${real} NOT NULL,
          rollout_id TEXT,
          version ${t.int} NOT NULL,
          updated_at TEXT NOT NULL
        )`,
        `CREATE TABLE traces (
          id TEXT PRIMARY KEY,
          route TEXT NOT NULL,
          release_id TEXT NOT NULL,
          arm TEXT NOT NULL,
          sticky_hash TEXT,
          status INTEGER NOT NULL,
          latency_ms ${real} NOT NULL,
          prompt_tokens ${t.int} NOT NULL,
          completion_tokens ${t.int} NOT NULL,
          cost_usd ${real} NOT NULL,
          slice TEXT,
          input TEXT NOT NULL,
          output TEXT NOT NULL,
          created_at TEXT NOT NULL
        )`,
        'CREATE INDEX traces_by_route ON traces (route, created_at)',
        'CREATE INDEX traces_by_release ON traces (release_id, created_at)',
        `CREATE TABLE arm_intervals (
          route TEXT NOT NULL,
          rollout_id TEXT NOT NULL,
          arm TEXT NOT NULL,
          interval_start TEXT NOT NULL,
          count ${t.int} NOT NULL,
          errors ${t.int} NOT NULL,
          latency_p50 ${real} NOT NULL,
          latency_p95 ${real} NOT NULL,
          tokens ${t.int} NOT NULL,
          cost_usd ${real} NOT NULL,
          gateway_id TEXT NOT NULL,
          PRIMARY KEY (route, rollout_id, arm, interval_start, gateway_id)
        )`,
      ];
    },
  },
  {
    version: 5,
    name: 'rollouts, commands, leases, tokens, shadow pairs, observer samples; route_state holds the stable pointer',
    statements: (t) => {
      const real = t.int === 'BIGINT' ? 'DOUBLE PRECISION' : 'REAL';
      return [
        'DROP TABLE routes',
        `CREATE TABLE rollouts (
          rollout_id TEXT PRIMARY KEY,
          route TEXT NOT NULL,
          spec TEXT NOT NULL,
          status TEXT NOT NULL,
          version ${t.int} NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        )`,
        'CREATE INDEX rollouts_by_route ON rollouts (route, created_at)',
        `CREATE TABLE rollout_commands (
          rollout_id TEXT NOT NULL,
          seq ${t.int} NOT NULL,
          kind TEXT NOT NULL,
          actor TEXT NOT NULL,
          reason TEXT,
          at ${t.int} NOT NULL,
          PRIMARY KEY (rollout_id, seq)
        )`,
        `CREATE TABLE decision_keys (key TEXT PRIMARY KEY, audit_index ${t.int} NOT NULL)`,
        `CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at ${t.int} NOT NULL)`,
        `CREATE TABLE api_tokens (hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL)`,
        `CREATE TABLE shadows (route TEXT PRIMARY KEY, release_id TEXT NOT NULL, percent ${real} NOT NULL, updated_at TEXT NOT NULL)`,
        `CREATE TABLE shadow_pairs (
          id TEXT PRIMARY KEY,
          route TEXT NOT NULL,
          stable_release TEXT NOT NULL,
          shadow_release TEXT NOT NULL,
          slice TEXT,
          sticky_hash TEXT,
          input TEXT NOT NULL,
          stable_output TEXT NOT NULL,
          shadow_output TEXT NOT NULL,
          stable_latency_ms ${real} NOT NULL,
          shadow_latency_ms ${real} NOT NULL,
          stable_cost_usd ${real} NOT NULL,
          shadow_cost_usd ${real} NOT NULL,
          created_at TEXT NOT NULL
        )`,
        'CREATE INDEX shadow_pairs_by_route ON shadow_pairs (route, created_at)',
        `CREATE TABLE observe_samples (
          id TEXT PRIMARY KEY,
          route TEXT NOT NULL,
          release_id TEXT NOT NULL,
          slice TEXT NOT NULL,
          at ${t.int} NOT NULL,
          quality ${real},
          judge_error INTEGER NOT NULL,
          flags TEXT NOT NULL
        )`,
        'CREATE INDEX observe_samples_by_release ON observe_samples (release_id, at)',
      ];
    },
  },
  {
    version: 6,
    name: 'traces keep the request variables (redacted), so replay can render prompts',
    statements: () => ["ALTER TABLE traces ADD COLUMN vars TEXT NOT NULL DEFAULT '{}'"],
  },
  {
    version: 7,
    name: 'gateway client keys (hashed); traces keep the client, the endpoint and the model that answered',
    statements: (t) => [
      `CREATE TABLE gateway_keys (
        name TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        routes TEXT,
        rpm ${t.int},
        created_at TEXT NOT NULL
      )`,
      'ALTER TABLE traces ADD COLUMN client TEXT',
      'ALTER TABLE traces ADD COLUMN endpoint TEXT',
      'ALTER TABLE traces ADD COLUMN model TEXT',
    ],
  },
  {
    version: 8,
    name: "traces keep the answer's tool calls (redacted) and the client's request id",
    statements: () => [
      "ALTER TABLE traces ADD COLUMN tool_calls TEXT NOT NULL DEFAULT '[]'",
      'ALTER TABLE traces ADD COLUMN request_id TEXT',
    ],
  },
  {
    version: 9,
    name: 'control-API tokens expire, are revoked (and kept), and remember when they were last used',
    statements: () => [
      'ALTER TABLE api_tokens ADD COLUMN expires_at TEXT',
      'ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT',
      'ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT',
    ],
  },
  {
    version: 10,
    name: 'arm intervals keep the moments of ln latency and of cost, so the rollout controller reads aggregates, not traces',
    statements: (t) => {
      const real = t.int === 'BIGINT' ? 'DOUBLE PRECISION' : 'REAL';
      return [
        `ALTER TABLE arm_intervals ADD COLUMN log_latency_n ${t.int}`,
        `ALTER TABLE arm_intervals ADD COLUMN log_latency_mean ${real}`,
        `ALTER TABLE arm_intervals ADD COLUMN log_latency_m2 ${real}`,
        `ALTER TABLE arm_intervals ADD COLUMN cost_m2 ${real}`,
      ];
    },
  },
];

const LOCK = 'sluice:migrations';

/** Applies every migration the store has not seen, each in its own locked transaction. */
export async function migrate(driver: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const types = TYPES[driver.dialect];
  await driver.transaction(
    (tx) =>
      tx.run(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
      ),
    { lock: LOCK },
  );
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await driver.transaction(
      async (tx) => {
        const seen = await tx.query('SELECT version FROM schema_migrations WHERE version = ?', [m.version]);
        if (seen.length > 0) return false;
        for (const sql of m.statements(types)) await tx.run(sql);
        await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
        return true;
      },
      { lock: LOCK },
    );
    if (done) applied.push(m.version);
  }
  return applied;
}
