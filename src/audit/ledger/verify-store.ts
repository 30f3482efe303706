import type { KeyObject } from 'node:crypto';
import type { AuditEntryRecord, AuditStore } from '../audit-store.js';
import { parseCheckpoint } from '../tlog/checkpoint.js';
import { verifyConsistency } from '../tlog/merkle-verify.js';
import { splitNote } from '../tlog/signed-note.js';
import { logKeys } from './log-keys.js';
import { proveConsistency } from './proofs.js';
import { logFailure, verifyLeaves, type LogVerdict } from './verify-leaves.js';

const PAGE = 5000;

async function* pages(store: Pick<AuditStore, 'auditEntries'>, size: number): AsyncIterable<AuditEntryRecord[]> {
  for (let from = 0; from < size; from += PAGE) yield store.auditEntries(from, Math.min(size, from + PAGE));
}

export interface VerifyStoreOptions {
  /** Trust only this key. */
  readonly pinnedKey?: KeyObject;
  /** Else: the project's own public keys, read outside the store (checkpoints must be signed by one). */
  readonly projectKeys?: readonly KeyObject[];
  /** A witnessed checkpoint (a signed note kept outside the store). */
  readonly witness?: string;
}

/**
 * `audit verify` against the store: every stored leaf, signature, indexed
 * column, tree node and checkpoint. With a witnessed checkpoint, the log must
 * still hold the tree it signed, and a consistency proof from it to the latest
 * checkpoint, built from the stored nodes, must verify (what a witness that
 * keeps no entries would check).
 */
export async function verifyStoredLog(
  store: AuditStore,
  origin: string,
  opts: VerifyStoreOptions = {},
): Promise<LogVerdict> {
  const keys = await logKeys(store, origin, {
    ...(opts.pinnedKey ? { pinned: opts.pinnedKey } : {}),
    ...(opts.projectKeys ? { project: opts.projectKeys } : {}),
  });
  const checkpoints = (await store.checkpoints()).map((c) => c.note);
  const size = await store.auditSize();
  const verdict = await verifyLeaves({
    origin,
    leaves: pages(store, size),
    ...keys,
    checkpoints,
    storedNodes: (level, from, to) => store.auditNodesAt(level, from, to),
    ...(opts.witness !== undefined ? { witness: opts.witness } : {}),
  });
  if (!verdict.ok || opts.witness === undefined || verdict.value.witnessed === null || verdict.value.witnessed === 0)
    return verdict;
  return checkWitnessConsistency(store, opts.witness, verdict);
}

/** The consistency proof from the (already verified) witnessed checkpoint to the latest one. */
async function checkWitnessConsistency(
  store: Pick<AuditStore, 'auditEntries' | 'auditNodes' | 'latestCheckpoint'>,
  witness: string,
  verdict: Extract<LogVerdict, { ok: true }>,
): Promise<LogVerdict> {
  const split = splitNote(witness);
  const old = split.ok ? parseCheckpoint(split.value.text) : undefined;
  if (!old?.ok) return logFailure(null, 'witness_malformed', 'the witnessed checkpoint cannot be read');
  const p = await proveConsistency(store, old.value.size);
  const checked = verifyConsistency(
    old.value.size,
    p.size,
    p.proof.map((h) => Buffer.from(h, 'base64')),
    old.value.root,
    Buffer.from(p.root, 'base64'),
  );
  if (!checked.ok)
    return logFailure(
      null,
      'witness_consistency',
      `the consistency proof from the witnessed size ${old.value.size} to ${p.size} does not verify: ${checked.error.message}`,
    );
  return verdict;
}
