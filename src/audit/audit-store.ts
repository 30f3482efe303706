import type { Transactional } from '../kernel/transactional.js';

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
  /** The stored nodes of one level with from <= index < to, in index order (verify recomputes them). */
  auditNodesAt(level: number, from: number, to: number): Promise<{ index: number; hash: Buffer }[]>;
  latestCheckpoint(): Promise<AuditCheckpoint | undefined>;
  checkpoints(): Promise<AuditCheckpoint[]>;
  putAuditKey(keyid: string, publicKeyPem: string): Promise<void>;
  auditKeys(): Promise<{ keyid: string; publicKeyPem: string }[]>;
}

/** Which decisions already have a receipt: a replayed decision finds its key and is not appended twice. */
export interface DecisionKeyStore {
  /** Which decision keys already have a receipt, and its log index. */
  decisionKeys(keys: readonly string[]): Promise<Map<string, number>>;
  putDecisionKeys(rows: readonly { key: string; index: number }[]): Promise<void>;
}

/** What the ledger appends through: the log's tables, in transactions holding the audit lock. */
export type LedgerStore = AuditStore & Transactional<AuditStore>;
