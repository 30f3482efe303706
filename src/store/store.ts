import type { Component } from '../config/release-schema.js';
import type { Digest } from '../core/digest.js';
import type { ReleaseId, ResolvedManifest } from '../manifest/resolved-manifest.js';
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
  readonly stable: ReleaseId | null;
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
  appendAudit(entries: readonly AuditEntryRecord[], nodes: readonly AuditNode[], checkpoint: AuditCheckpoint): Promise<void>;
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
 * Everything Sluice keeps. The core owns this interface; `sql-store.ts` implements
 * it over any SqlDriver (SQLite, PostgreSQL), held to one contract suite.
 */
export interface Store extends AuditStore, GateStore {
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

  getRoute(name: string): Promise<RouteRecord | undefined>;
  setStable(route: string, release: ReleaseId): Promise<void>;

  /** Runs `fn` atomically; with `lock`, also excludes other processes taking the same lock. */
  transaction<T>(fn: (tx: Store) => Promise<T>, opts?: { lock?: string }): Promise<T>;
  close(): Promise<void>;
}
