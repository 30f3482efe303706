import { SluiceError } from '../../kernel/errors.js';
import type { AuditStore } from '../audit-store.js';
import { parseCheckpoint } from '../tlog/checkpoint.js';
import { leafHash } from '../tlog/merkle-hash.js';
import {
  assembleProof,
  consistencyPlan,
  inclusionPlan,
  type ProofPlan,
  verifyConsistency,
  verifyInclusion,
} from '../tlog/merkle-proof.js';
import { splitNote } from '../tlog/signed-note.js';

/** What proofs read: the log's entries, tree nodes and checkpoints. */
type ProofStore = Pick<AuditStore, 'auditEntries' | 'auditNodes' | 'latestCheckpoint'>;

async function fetchPlan(store: ProofStore, plan: ProofPlan): Promise<Buffer[]> {
  const ids = plan.flat();
  const hashes = await store.auditNodes(ids);
  const byId = new Map(ids.map((id, i) => [`${id.level}/${id.index}`, hashes[i]]));
  return assembleProof(plan, (level, index) => {
    const h = byId.get(`${level}/${index}`);
    if (!h) throw new SluiceError('verification_failed', `audit log node ${level}/${index} is missing from the store`);
    return h;
  });
}

function rootOf(note: string): Buffer | undefined {
  const split = splitNote(note);
  const parsed = split.ok ? parseCheckpoint(split.value.text) : undefined;
  return parsed?.ok ? Buffer.from(parsed.value.root) : undefined;
}

async function latest(store: ProofStore): Promise<{ size: number; note: string; root: string }> {
  const c = await store.latestCheckpoint();
  if (!c) throw new SluiceError('not_found', 'the audit log is empty');
  const split = splitNote(c.note);
  const parsed = split.ok ? parseCheckpoint(split.value.text) : undefined;
  if (!parsed?.ok) throw new SluiceError('verification_failed', 'the latest stored checkpoint is malformed');
  return { size: c.size, note: c.note, root: Buffer.from(parsed.value.root).toString('base64') };
}

/**
 * The stored tree's audit path for entry `index` in the tree of `size` entries,
 * unchecked: for a verifier that checks it itself (the dashboard's browser), so
 * a damaged log is shown to it rather than refused here.
 */
export async function storedInclusionPath(store: ProofStore, index: number, size: number): Promise<Buffer[]> {
  const planned = inclusionPlan(index, size);
  if (!planned.ok) throw new SluiceError('bad_usage', planned.error.message);
  return fetchPlan(store, planned.value);
}

export interface InclusionProofOutput {
  index: number;
  size: number;
  leaf_hash: string;
  root: string;
  proof: string[];
  checkpoint: string;
  proofBuffers: Buffer[];
}

/** An inclusion proof for entry `index` against the latest checkpoint (O(log n) node reads). */
export async function proveInclusion(store: ProofStore, index: number): Promise<InclusionProofOutput> {
  const cp = await latest(store);
  if (!Number.isSafeInteger(index) || index < 0 || index >= cp.size) {
    throw new SluiceError(
      'bad_usage',
      `index ${index} is out of range: the log has ${cp.size} entries (0..${cp.size - 1})`,
    );
  }
  const planned = inclusionPlan(index, cp.size);
  if (!planned.ok) throw new SluiceError('bad_usage', planned.error.message);
  const [entry] = await store.auditEntries(index, index + 1);
  if (!entry) throw new SluiceError('verification_failed', `entry ${index} is missing from the store`);
  const proof = await fetchPlan(store, planned.value);
  const leaf = leafHash(entry.leaf);
  // A proof built from corrupt stored nodes is refused here, never printed.
  const checked = verifyInclusion(leaf, index, cp.size, proof, Buffer.from(cp.root, 'base64'));
  if (!checked.ok)
    throw new SluiceError(
      'verification_failed',
      `the inclusion proof for entry ${index} built from the stored tree does not lead to the checkpoint's root (${checked.error.message}): the stored log is damaged; run sluice audit verify`,
    );
  return {
    index,
    size: cp.size,
    leaf_hash: leaf.toString('base64'),
    root: cp.root,
    proof: proof.map((p) => p.toString('base64')),
    checkpoint: cp.note,
    proofBuffers: proof,
  };
}

/**
 * A consistency proof from an older size to the latest checkpoint. When the
 * store holds a checkpoint of the older size, the proof is checked against its
 * root before it is returned.
 */
export async function proveConsistency(store: ProofStore & Partial<Pick<AuditStore, 'checkpoints'>>, oldSize: number) {
  const cp = await latest(store);
  if (!Number.isSafeInteger(oldSize) || oldSize < 1 || oldSize > cp.size) {
    throw new SluiceError('bad_usage', `size ${oldSize} is out of range: it must be 1..${cp.size}`);
  }
  const planned = consistencyPlan(oldSize, cp.size);
  if (!planned.ok) throw new SluiceError('bad_usage', planned.error.message);
  const proof = await fetchPlan(store, planned.value);
  const older = (await store.checkpoints?.())?.find((c) => c.size === oldSize);
  const olderRoot = older ? rootOf(older.note) : undefined;
  if (olderRoot) {
    const checked = verifyConsistency(oldSize, cp.size, proof, olderRoot, Buffer.from(cp.root, 'base64'));
    if (!checked.ok)
      throw new SluiceError(
        'verification_failed',
        `the consistency proof ${oldSize} → ${cp.size} built from the stored tree does not verify (${checked.error.message}): the stored log is damaged; run sluice audit verify`,
      );
  }
  return {
    old_size: oldSize,
    size: cp.size,
    root: cp.root,
    proof: proof.map((p) => p.toString('base64')),
    checkpoint: cp.note,
  };
}
