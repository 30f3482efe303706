import type { Moments } from '../stats/confidence-sequence.js';
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
  /**
   * Moments (Welford) of the answered requests' ln latency (ms; status < 400); absent on rows written
   * before the gateway kept them (the controller then leaves the row out of the ratio).
   */
  readonly logLatency?: Moments;
  /** Moments of the per-request cost in USD over all `count` requests (mean = costUsd / count). */
  readonly costs?: Moments;
}

export interface TraceSearch {
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
}

/** The gateway's records: its traces and its per-interval aggregates. */
export interface TraceStore {
  /** Inserts traces; an id already stored is skipped, so a retried batch is harmless. */
  insertTraces(rows: readonly TraceRecord[]): Promise<void>;
  /** Traces in creation order, optionally of one route or release and from a time on (inclusive). */
  listTraces(filter?: { route?: string; releaseId?: string; since?: string; limit?: number }): Promise<TraceRecord[]>;
  /**
   * Traces matching every filter given, in creation order. `since` and `until`
   * are inclusive ISO times; `withContent` leaves out erased traces; with
   * `newest`, `limit` keeps the newest rows (still returned oldest first).
   */
  searchTraces(filter: TraceSearch): Promise<TraceRecord[]>;
  /**
   * Erases the stored content (input and output) of the traces of a sticky-key
   * hash and/or created before a time: each becomes an erasure marker holding
   * the digest of what it replaced (see `erasedContent`); every other field is
   * kept. Needs at least one filter; returns how many traces were erased (ones
   * erased before are not counted again).
   */
  eraseTraceContent(filter: { stickyHash?: string; before?: string }): Promise<number>;
  /**
   * After an erasure: removes the copies of replaced content the database keeps
   * beside its live rows (traces and shadow pairs), as far as the database
   * allows (`rewrite`: PostgreSQL's VACUUM FULL); says what it did and what may remain.
   */
  purgeErasedContent(opts: { rewrite: boolean }): Promise<{ done: readonly string[]; remaining: readonly string[] }>;
  /** Writes interval rows; a row with the same key (route, rollout, arm, interval, gateway) is replaced. */
  putArmIntervals(rows: readonly ArmIntervalRecord[]): Promise<void>;
  /** A route's interval rows in time order, optionally of one rollout and from an interval start on. */
  armIntervals(filter: { route: string; rolloutId?: string; since?: string }): Promise<ArmIntervalRecord[]>;
}
