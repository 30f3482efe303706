import { nodeHash } from './merkle-hash.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';
import { isLeafCount, rangeNodeIds, splitPoint, type NodeId } from './tree-math.js';

export { verifyConsistency, verifyInclusion, type VerifyResult } from './merkle-verify.js';

/**
 * Proof generation (RFC 6962 §2.1.1 PATH and §2.1.2 PROOF / SUBPROOF) from
 * stored perfect-subtree hashes.
 *
 * `getNode(level, index)` returns the hash of the perfect subtree of 2^level
 * leaves starting at leaf index·2^level. Every subtree a proof needs is
 * complete in the tree of the requested size, so a store that keeps each node
 * `CompactRange.append` emits can answer all lookups. A proof costs O(log n)
 * lookups: at most one proof element is an ephemeral (not perfect) subtree,
 * and it is folded from O(log n) perfect ones.
 *
 * A store that must fetch asynchronously or in one batch can call
 * `inclusionPlan` / `consistencyPlan` for the node ids, fetch them, and pass a
 * lookup over the fetched hashes to `assembleProof`.
 */
export type GetNode = (level: number, index: number) => Uint8Array;

/**
 * One entry per proof element: the perfect subtrees (left to right) whose
 * Merkle tree hash is that element.
 */
export type ProofPlan = NodeId[][];

export type PlanResult = Result<ProofPlan, Problem<'bad_input'>>;
export type ProofResult = Result<Buffer[], Problem<'bad_input'>>;

/** Node ids for the audit path of leaf `index` in the tree of `size` leaves. */
export function inclusionPlan(index: number, size: number): PlanResult {
  if (!isLeafCount(index) || !isLeafCount(size))
    return err('bad_input', 'index and size must be non-negative integers');
  if (index >= size) return err('bad_input', `index ${index} is outside a tree of size ${size}`);
  const plan: ProofPlan = [];
  pathPlan(index, 0, size, plan);
  return ok(plan);
}

/** Node ids for the consistency proof from size1 to size2 (empty when they are equal). */
export function consistencyPlan(size1: number, size2: number): PlanResult {
  if (!isLeafCount(size1) || !isLeafCount(size2)) return err('bad_input', 'sizes must be non-negative integers');
  if (size1 > size2) return err('bad_input', `size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === 0 && size2 > 0) return err('bad_input', 'a consistency proof from the empty tree is meaningless');
  const plan: ProofPlan = [];
  if (size1 < size2) subproofPlan(size1, 0, size2, true, plan);
  return ok(plan);
}

/** Hashes for a plan: each element folds its subtrees right to left (MTH of the range). */
export function assembleProof(plan: ProofPlan, getNode: GetNode): Buffer[] {
  return plan.map((ids): Buffer => {
    const hashes: Buffer[] = ids.map((id) => Buffer.from(getNode(id.level, id.index)));
    let acc: Buffer | undefined = hashes[hashes.length - 1];
    if (acc === undefined) throw new RangeError('empty proof element in plan');
    for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i] as Buffer, acc);
    return acc;
  });
}

export function inclusionProof(index: number, size: number, getNode: GetNode): ProofResult {
  const planned = inclusionPlan(index, size);
  return planned.ok ? ok(assembleProof(planned.value, getNode)) : planned;
}

export function consistencyProof(size1: number, size2: number, getNode: GetNode): ProofResult {
  const planned = consistencyPlan(size1, size2);
  return planned.ok ? ok(assembleProof(planned.value, getNode)) : planned;
}

// PATH(m, D[start : start+n]), leaf to root.
function pathPlan(m: number, start: number, n: number, out: ProofPlan): void {
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    pathPlan(m, start, k, out);
    out.push(rangeNodeIds(start + k, n - k));
  } else {
    pathPlan(m - k, start + k, n - k, out);
    out.push(rangeNodeIds(start, k));
  }
}

// SUBPROOF(m, D[start : start+n], complete).
function subproofPlan(m: number, start: number, n: number, complete: boolean, out: ProofPlan): void {
  if (m === n) {
    if (!complete) out.push(rangeNodeIds(start, n));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproofPlan(m, start, k, complete, out);
    out.push(rangeNodeIds(start + k, n - k));
  } else {
    subproofPlan(m - k, start + k, n - k, false, out);
    out.push(rangeNodeIds(start, k));
  }
}
