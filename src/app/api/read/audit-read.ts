import { decodeReceipt, type ReceiptEntry } from '../../../audit/envelope/receipt-leaf.js';
import { createPublicKey } from 'node:crypto';
import { storedInclusionPath } from '../../../audit/ledger/proofs.js';
import { noteVerifierKey } from '../../../audit/tlog/note-verifier-key.js';
import type { AuditStore } from '../../../audit/audit-store.js';
import { keyIdOf } from '../../../audit/envelope/signing-key.js';
import { pageOf } from './paging.js';

/**
 * The newest `limit` receipts matching `filter`, newest first, read in windows
 * growing backwards from the end of the log: a release with 100,000 receipts
 * costs a page, not the whole log.
 */
export async function recentEntries(
  store: Pick<AuditStore, 'auditEntries' | 'auditSize'>,
  filter: { kind?: string; subject?: string },
  limit: number,
): Promise<ReceiptEntry[]> {
  const found: ReceiptEntry[] = [];
  let to = await store.auditSize();
  let window = 256;
  while (to > 0 && found.length < limit) {
    const from = Math.max(0, to - window);
    found.push(...(await store.auditEntries(from, to, filter)).reverse());
    to = from;
    window *= 4;
  }
  return found.slice(0, limit);
}

/** Receipts decoded for people (who, what, why, which release), newest first as given, with their leaf bytes. */
export function receiptRows(entries: readonly ReceiptEntry[]) {
  return entries.map((e) => {
    const { statement, ...receipt } = decodeReceipt(e);
    return { ...receipt, predicate: statement ? statement.predicate : null, leaf: e.leaf.toString('base64') };
  });
}

/**
 * A page of the log, newest first, each receipt with its leaf bytes and its
 * inclusion proof against the latest checkpoint, plus that checkpoint: what a
 * browser needs to check signatures and inclusion itself.
 */
export async function auditPage(store: AuditStore, origin: string, q: URLSearchParams) {
  const page = pageOf(q, { limit: 25, max: 200 });
  // The log as of its latest checkpoint: every entry shown is in the tree the checkpoint signs.
  const checkpoint = await store.latestCheckpoint();
  const size = checkpoint?.size ?? (await store.auditSize());
  const to = Math.max(0, size - page.offset);
  const from = Math.max(0, to - page.limit);
  const entries = (await store.auditEntries(from, to)).reverse();
  // Paths in the tree of the checkpoint shown, as stored: the browser checks them (a damaged log included).
  const proofs = checkpoint
    ? await Promise.all(
        entries.map(async (e) =>
          e.index < checkpoint.size
            ? {
                size: checkpoint.size,
                hashes: (await storedInclusionPath(store, e.index, checkpoint.size)).map((h) => h.toString('base64')),
              }
            : null,
        ),
      )
    : [];
  return {
    origin,
    size,
    ...page,
    checkpoint: checkpoint ? { size: checkpoint.size, note: checkpoint.note, at: checkpoint.createdAt } : null,
    receipts: receiptRows(entries).map((r, i) => ({
      ...r,
      proof: proofs[i] ?? null,
    })),
  };
}

/** The log's public keys: each as a signed-note verifier key (checkpoints) and a DSSE key id (receipts). */
export async function auditKeys(store: Pick<AuditStore, 'auditKeys'>, origin: string) {
  return {
    origin,
    keys: (await store.auditKeys()).map((k) => {
      const pub = createPublicKey(k.publicKeyPem);
      return { keyid: keyIdOf(pub), verifier_key: noteVerifierKey(origin, pub) };
    }),
  };
}
