import type { Component } from '../config/release-schema.js';
import type { Digest } from '../kernel/digest.js';
import type { ReleaseId, ResolvedManifest } from '../release/resolved-manifest.js';
import type { Dialect } from './driver.js';

export interface ReleaseRecord {
  readonly id: ReleaseId;
  readonly name: string;
  readonly manifest: ResolvedManifest;
  /** What the changes were computed against; null for a route's first release. */
  readonly baseline: ReleaseId | null;
  readonly changes: readonly Component[];
  readonly actor: string;
  readonly createdAt: string;
}

export interface RouteRecord {
  readonly name: string;
  readonly stable: ReleaseId;
  readonly updatedAt: string;
}

export interface AuditEntryRecord {
  readonly index: number;
  readonly kind: string;
  /** The release (or other digest) the decision is about. */
  readonly subject: string;
  readonly actor: string;
  /** The leaf bytes: the DSSE envelope's RFC 8785 JSON. */
  readonly leaf: Buffer;
  readonly createdAt: string;
}

export interface AuditNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Buffer;
}

export interface AuditCheckpoint {
  readonly size: number;
  /** The signed note (C2SP tlog-checkpoint body plus signature lines). */
  readonly note: string;
  readonly createdAt: string;
}

/** The transparency log's tables. Appends happen inside a transaction holding the audit lock. */
export interface AuditStore {
  auditSize(): Promise<number>;
  /** Appends entries (indices must continue the log), the tree nodes they complete, and the checkpoint over them. */
  appendAudit(
    entries: readonly AuditEntryRecord[],
    nodes: readonly AuditNode[],
    checkpoint: AuditCheckpoint,
  ): Promise<void>;
  /** Entries with from <= index < to, in order; optionally only those of a kind and/or subject. */
  auditEntries(from: number, to: number, filter?: { kind?: string; subject?: string }): Promise<AuditEntryRecord[]>;
  /** The hashes of the given perfect subtrees, in the order asked; undefined where missing. */
  auditNodes(ids: readonly { level: number; index: number }[]): Promise<(Buffer | undefined)[]>;
  latestCheckpoint(): Promise<AuditCheckpoint | undefined>;
  checkpoints(): Promise<AuditCheckpoint[]>;
  putAuditKey(keyid: string, publicKeyPem: string): Promise<void>;
  auditKeys(): Promise<{ keyid: string; publicKeyPem: string }[]>;
}

/** A gate run's cached output for one item (JSON kept opaque by the store). */
export interface GateOutputRecord {
  readonly releaseId: string;
  readonly itemId: string;
  readonly sample: number;
  readonly output: string;
}

export interface GateResultRecord {
  readonly digest: string;
  readonly releaseId: string;
  readonly baselineId: string | null;
  readonly verdict: string;
  readonly overridden: boolean;
  readonly preprocessingDigest: string;
  /** The full gate result JSON. */
  readonly result: string;
  readonly createdAt: string;
}

/** What the gate caches and records. */
export interface GateStore {
  gateOutputs(releaseId: string, sample: number): Promise<Map<string, string>>;
  putGateOutputs(rows: readonly GateOutputRecord[]): Promise<void>;
  judgeScores(judgeDigest: string): Promise<Map<string, string>>;
  putJudgeScores(judgeDigest: string, rows: readonly { subject: string; result: string }[]): Promise<void>;
  insertGateResult(r: GateResultRecord): Promise<void>;
  latestGateResult(releaseId: string): Promise<GateResultRecord | undefined>;
}

/**
 * What the gateway serves for a route: the stable release, the candidate and its
 * share (percent, 0–100) of a rollout. The rollout controller writes it; every
 * write gets the next `version`, so gateways notice a change by reading one number.
 */
export interface RouteStateRecord {
  readonly route: string;
  readonly stable: ReleaseId;
  readonly candidate: ReleaseId | null;
  /** The candidate's share in percent, 0–100. */
  readonly weight: number;
  /** The rollout the candidate belongs to; sticky assignment is stable within it. */
  readonly rolloutId: string | null;
  readonly version: number;
  readonly updatedAt: string;
}

export type RouteStateInput = Omit<RouteStateRecord, 'version' | 'updatedAt'>;

export type Arm = 'stable' | 'canary';

/** One request as the gateway served it. Input and output are stored with PII redacted. */
export interface TraceRecord {
  readonly id: string;
  readonly route: string;
  readonly releaseId: string;
  readonly arm: Arm;
  /** Hex SHA-256 of the sticky key; null when the request had none. */
  readonly stickyHash: string | null;
  /** The HTTP status the request ended with (for a stream that failed midway, the error's status). */
  readonly status: number;
  readonly latencyMs: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
  readonly slice: string | null;
  /** The client's messages as a JSON array, redacted. */
  readonly input: string;
  /** The request's template variables (its `metadata`), redacted, as JSON. */
  readonly vars: string;
  /** The answer text, redacted. */
  readonly output: string;
  /** The function calls the answer made, redacted, as a JSON array; absent when it made none. */
  readonly toolCalls?: string;
  /** The client's x-request-id, when it sent one (the trace's own id is `id`). */
  readonly requestId?: string;
  readonly createdAt: string;
  /** The name of the gateway key the client called with; null (or absent) without one. */
  readonly client?: string | null;
  /** The endpoint: 'chat' (absent in traces from before), 'responses' or 'embeddings'. */
  readonly endpoint?: string | null;
  /** The upstream model that answered ("provider/name"), when the request got that far. */
  readonly model?: string | null;
}

/**
 * One gateway process's totals for one arm of a route over one interval.
 * Each process writes its own rows (its `gatewayId`); readers sum across them.
 */
export interface ArmIntervalRecord {
  readonly route: string;
  /** '' when the route had no rollout in progress. */
  readonly rolloutId: string;
  readonly arm: Arm;
  /** ISO time the interval starts at. */
  readonly intervalStart: string;
  readonly count: number;
  /** Of which failed: 5xx, upstream timeouts, cut streams. */
  readonly errors: number;
  /** Latency percentiles (ms) of the successful requests; 0 when there were none. */
  readonly latencyP50: number;
  readonly latencyP95: number;
  readonly tokens: number;
  readonly costUsd: number;
  readonly gatewayId: string;
}

/** The gateway's tables: the route state it serves, its traces and its per-interval aggregates. */
export interface TraceStore {
  getRouteStates(): Promise<RouteStateRecord[]>;
  /** Writes a route's state under the next version (one higher than any so far) and returns it. */
  putRouteState(state: RouteStateInput): Promise<RouteStateRecord>;
  /** The highest version of any route state; 0 when there is none. */
  routeStateVersion(): Promise<number>;
  /** Inserts traces; an id already stored is skipped, so a retried batch is harmless. */
  insertTraces(rows: readonly TraceRecord[]): Promise<void>;
  /** Traces in creation order, optionally of one route or release and from a time on (inclusive). */
  listTraces(filter?: { route?: string; releaseId?: string; since?: string; limit?: number }): Promise<TraceRecord[]>;
  /**
   * Traces matching every filter given, in creation order. `since` and `until`
   * are inclusive ISO times; `withContent` leaves out erased traces; with
   * `newest`, `limit` keeps the newest rows (still returned oldest first).
   */
  searchTraces(filter: {
    route?: string;
    releaseId?: string;
    arm?: Arm;
    status?: number;
    stickyHash?: string;
    since?: string;
    until?: string;
    /** Only traces whose content has not been erased. */
    withContent?: boolean;
    limit?: number;
    /** With `limit`: keep the newest rows instead of the oldest. */
    newest?: boolean;
  }): Promise<TraceRecord[]>;
  /**
   * Erases the stored content (input and output) of the traces of a sticky-key
   * hash and/or created before a time: each becomes an erasure marker holding
   * the digest of what it replaced (see `erasedContent`); every other field is
   * kept. Needs at least one filter; returns how many traces were erased (ones
   * erased before are not counted again).
   */
  eraseTraceContent(filter: { stickyHash?: string; before?: string }): Promise<number>;
  /** The same for shadow pairs: input, stable and shadow output. */
  eraseShadowPairContent(filter: { stickyHash?: string; before?: string }): Promise<number>;
  /** Writes interval rows; a row with the same key (route, rollout, arm, interval, gateway) is replaced. */
  putArmIntervals(rows: readonly ArmIntervalRecord[]): Promise<void>;
  /** A route's interval rows in time order, optionally of one rollout and from an interval start on. */
  armIntervals(filter: { route: string; rolloutId?: string; since?: string }): Promise<ArmIntervalRecord[]>;
}

export interface RolloutRow {
  readonly rolloutId: string;
  readonly route: string;
  /** The rollout spec and status as JSON (the controller owns their shape). */
  readonly spec: string;
  readonly status: string;
  /** Bumped by every status commit: the compare-and-set token. */
  readonly version: number;
  readonly createdAt: string;
}

export interface CommandRow {
  readonly seq: number;
  readonly kind: string;
  readonly actor: string;
  readonly reason?: string;
  readonly at: number;
}

export interface ShadowPairRecord {
  readonly id: string;
  readonly route: string;
  readonly stableRelease: string;
  readonly shadowRelease: string;
  readonly slice: string | null;
  readonly stickyHash: string | null;
  readonly input: string;
  readonly stableOutput: string;
  readonly shadowOutput: string;
  readonly stableLatencyMs: number;
  readonly shadowLatencyMs: number;
  readonly stableCostUsd: number;
  readonly shadowCostUsd: number;
  readonly createdAt: string;
}

export interface ObserveSampleRecord {
  readonly id: string;
  readonly route: string;
  readonly releaseId: string;
  readonly slice: string;
  readonly at: number;
  readonly quality: number | null;
  readonly judgeError: boolean;
  readonly flags: Readonly<Record<string, boolean>>;
}

/** The control plane's tables: rollouts and their commands, leases, tokens, shadow, observer samples. */
export interface ControlStore {
  getRollout(rolloutId: string): Promise<RolloutRow | undefined>;
  latestRollout(route: string): Promise<RolloutRow | undefined>;
  insertRollout(r: { rolloutId: string; route: string; spec: string; status: string }): Promise<void>;
  /** Writes the status if the row is still at `expectedVersion`; false when another writer got there first. */
  commitRollout(rolloutId: string, expectedVersion: number, status: string): Promise<boolean>;
  /** Queues an operator command; returns its sequence number (call inside a locked transaction). */
  queueCommand(rolloutId: string, c: { kind: string; actor: string; reason?: string; at: number }): Promise<number>;
  commandsAfter(rolloutId: string, afterSeq: number): Promise<CommandRow[]>;
  /** Which decision keys already have a receipt, and its log index. */
  decisionKeys(keys: readonly string[]): Promise<Map<string, number>>;
  putDecisionKeys(rows: readonly { key: string; index: number }[]): Promise<void>;
  readLease(name: string): Promise<{ holder: string; expiresAt: number } | null>;
  /** Sets the lease if it still equals `expected` (null: no lease yet); false when someone else changed it. */
  compareAndSetLease(
    name: string,
    expected: { holder: string; expiresAt: number } | null,
    next: { holder: string; expiresAt: number },
  ): Promise<boolean>;
  putToken(t: { hash: string; name: string; role: string }): Promise<void>;
  tokenByHash(hash: string): Promise<{ name: string; role: string } | undefined>;
  tokenCount(): Promise<number>;
  setShadow(route: string, shadow: { releaseId: string; percent: number } | null): Promise<void>;
  shadows(): Promise<{ route: string; releaseId: string; percent: number }[]>;
  insertShadowPairs(rows: readonly ShadowPairRecord[]): Promise<void>;
  shadowPairs(filter: { route?: string; shadowRelease?: string }): Promise<ShadowPairRecord[]>;
  insertObserveSamples(rows: readonly ObserveSampleRecord[]): Promise<void>;
  /** A release's samples with `at` in [sinceMs, untilMs) (no upper bound without untilMs), oldest first. */
  observeSamples(releaseId: string, sinceMs: number, untilMs?: number): Promise<ObserveSampleRecord[]>;
}

/** A client key of the gateway: only its hash is kept. */
export interface GatewayKeyRecord {
  /** Hex SHA-256 of the key. */
  readonly hash: string;
  /** Unique; goes into traces as the request's client. */
  readonly name: string;
  /** The routes the key may call; null: every route. */
  readonly routes: readonly string[] | null;
  /** Requests per minute the key may make (per gateway process); null: no limit. */
  readonly rpm: number | null;
  readonly createdAt: string;
}

/** The gateway's client keys. */
export interface GatewayKeyStore {
  /** Adds a key; a name already taken is refused (SluiceError 'conflict'). */
  putGatewayKey(k: Omit<GatewayKeyRecord, 'createdAt'>): Promise<void>;
  /** Every key, by name. */
  gatewayKeys(): Promise<GatewayKeyRecord[]>;
  /** Removes the key of that name; false when there was none. */
  revokeGatewayKey(name: string): Promise<boolean>;
}

/**
 * Everything Sluice keeps. The core owns this interface; `sql-store.ts` implements
 * it over any SqlDriver (SQLite, PostgreSQL), held to one contract suite.
 */
export interface Store extends AuditStore, GateStore, TraceStore, ControlStore, GatewayKeyStore {
  readonly dialect: Dialect;
  readonly description: string;

  /** Stores bytes under their sha256; storing the same bytes again is a no-op. */
  putBlob(bytes: Uint8Array): Promise<Digest>;
  getBlob(digest: Digest): Promise<Buffer | undefined>;

  /** Inserts a release unless its id exists; `inserted` says which happened. */
  insertRelease(release: ReleaseRecord): Promise<{ inserted: boolean }>;
  getRelease(id: ReleaseId): Promise<ReleaseRecord | undefined>;
  /** Ids whose hex starts with `hexPrefix`, at most `limit`. */
  findReleaseIds(hexPrefix: string, limit: number): Promise<ReleaseId[]>;
  listReleases(filter?: { name?: string }): Promise<ReleaseRecord[]>;

  /** The route's stable pointer (from route_state). */
  getRoute(name: string): Promise<RouteRecord | undefined>;

  /**
   * Calls `onChange` when another process changes a route's state (PostgreSQL
   * LISTEN/NOTIFY); undefined where the dialect has no push (SQLite: poll).
   */
  subscribeRouteChanges?(onChange: () => void): Promise<() => Promise<void>>;
  /** Calls `onCommand` when an operator command is queued by another process (PostgreSQL); undefined elsewhere. */
  subscribeCommands?(onCommand: () => void): Promise<() => Promise<void>>;

  /** Runs `fn` atomically; with `lock`, also excludes other processes taking the same lock. */
  transaction<T>(fn: (tx: Store) => Promise<T>, opts?: { lock?: string }): Promise<T>;
  close(): Promise<void>;
}
