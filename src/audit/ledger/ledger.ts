import { canonicalBytes } from '../../kernel/canonical-json.js';
import { type Clock, dateOf, systemClock } from '../../kernel/clock.js';
import { SluiceError } from '../../kernel/errors.js';
import type { AuditNode, AuditStore, LedgerStore } from '../audit-store.js';
import { formatCheckpoint } from '../tlog/checkpoint.js';
import { CompactRange } from '../tlog/compact-range.js';
import { signStatement } from '../envelope/in-toto.js';
import { leafHash } from '../tlog/merkle-hash.js';
import { signNote } from '../tlog/signed-note.js';
import { publicKeyPem, type SigningKey } from '../envelope/signing-key.js';
import { rangeNodeIds } from '../tlog/tree-math.js';
import { decisionToStatement, type Decision } from './decision.js';

/** Held by every append, on both stores: one writer at a time, one consistent sequence. */
export const AUDIT_LOCK = 'sluice:audit';

export interface LedgerOptions {
  /** The log's origin line (`audit.origin`), also the checkpoint signer's name. */
  readonly origin: string;
  readonly key: SigningKey;
  readonly clock?: Clock;
}

async function restoreRange(
  tx: AuditStore,
  size: number,
  known?: { size: number; nodes: readonly AuditNode[] },
): Promise<CompactRange> {
  const ids = rangeNodeIds(0, size);
  const hashes = known && known.size === size ? known.nodes.map((n) => n.hash) : await tx.auditNodes(ids);
  const byId = new Map(ids.map((id, i) => [`${id.level}/${id.index}`, hashes[i]]));
  return CompactRange.restore(size, (level, index) => {
    const h = byId.get(`${level}/${index}`);
    if (!h) throw new SluiceError('verification_failed', `audit log node ${level}/${index} is missing from the store`);
    return h;
  });
}

/**
 * The transparency log's single writer. `record` signs each decision as an
 * in-toto statement in a DSSE envelope, appends the envelopes as leaves of the
 * RFC 6962 tree (O(log n) stored nodes per append), and signs one checkpoint
 * for the batch — all in one transaction under the audit lock.
 */
interface Pending {
  readonly decisions: readonly Decision[];
  readonly resolve: (indices: number[]) => void;
  readonly reject: (e: unknown) => void;
}

export class Ledger {
  private readonly publicPem: string;
  private queue: Pending[] = [];
  private flushing = false;
  /**
   * The tree's frontier after this ledger's last committed append. The log is
   * append-only, so it is valid exactly when the stored size still equals its
   * size; another writer's append is noticed by the size check.
   */
  private frontier: { size: number; nodes: AuditNode[] } | undefined;
  private keyStored = false;

  constructor(
    private readonly store: LedgerStore,
    private readonly opts: LedgerOptions,
  ) {
    this.publicPem = publicKeyPem(opts.key.publicKey);
  }

  get origin(): string {
    return this.opts.origin;
  }

  /**
   * Records decisions in a transaction of its own; returns their log indices.
   * Group commit: calls that arrive while a transaction is being written are
   * appended together in the next one, under one checkpoint.
   */
  record(decisions: Decision | readonly Decision[]): Promise<number[]> {
    const list = Array.isArray(decisions) ? (decisions as readonly Decision[]) : [decisions as Decision];
    return new Promise((resolve, reject) => {
      this.queue.push({ decisions: list, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        let frontier: { size: number; nodes: AuditNode[] } | undefined;
        const indices = await this.store.transaction(
          (tx) =>
            this.recordIn(
              tx,
              batch.flatMap((p) => p.decisions),
              (f) => (frontier = f),
            ),
          { lock: AUDIT_LOCK },
        );
        // Committed: the frontier and the stored key can be trusted for the next batch.
        this.frontier = frontier;
        this.keyStored = true;
        let at = 0;
        for (const p of batch) {
          p.resolve(indices.slice(at, at + p.decisions.length));
          at += p.decisions.length;
        }
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.flushing = false;
  }

  /** Records inside the caller's transaction, which must hold AUDIT_LOCK. */
  async recordIn(
    tx: AuditStore,
    decisions: Decision | readonly Decision[],
    onFrontier?: (f: { size: number; nodes: AuditNode[] }) => void,
  ): Promise<number[]> {
    const list = Array.isArray(decisions) ? (decisions as readonly Decision[]) : [decisions as Decision];
    if (list.length === 0) return [];
    const { key, origin } = this.opts;
    if (!this.keyStored) await tx.putAuditKey(key.keyid, this.publicPem);
    const range = await restoreRange(tx, await tx.auditSize(), this.frontier);
    const createdAt = dateOf(this.opts.clock ?? systemClock).toISOString();
    const nodes: AuditNode[] = [];
    const entries = list.map((d) => {
      const leaf = canonicalBytes(signStatement(decisionToStatement(d), key));
      const index = range.size;
      nodes.push(...range.append(leafHash(leaf)));
      return { index, kind: d.kind, subject: d.subject, actor: d.actor, leaf, createdAt };
    });
    const note = signNote(formatCheckpoint({ origin, size: range.size, root: range.root() }), origin, key.privateKey);
    await tx.appendAudit(entries, nodes, { size: range.size, note, createdAt });
    onFrontier?.({ size: range.size, nodes: range.nodes() });
    return entries.map((e) => e.index);
  }
}
