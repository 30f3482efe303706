import { emptyRoot, HASH_SIZE, nodeHash } from './merkle-hash.js';
import { err, type Err, ok, type Problem, type Result } from '../../kernel/result.js';
import { isLeafCount, isPowerOfTwo } from './tree-math.js';

/**
 * Proof verification, following RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
 * (consistency) step by step. Shifts are written as halving so sizes up to
 * Number.MAX_SAFE_INTEGER work.
 *
 * Codes: `bad_input` (sizes or index out of range, hashes of the wrong length),
 * `bad_proof` (the proof has the wrong shape for the sizes), `root_mismatch`
 * (the proof has the right shape but does not lead to the given root).
 */
export type VerifyResult = Result<void, Problem<'bad_input' | 'bad_proof' | 'root_mismatch'>>;

const OK: VerifyResult = ok(undefined);

export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): VerifyResult {
  if (!isLeafCount(index) || !isLeafCount(size))
    return err('bad_input', 'index and size must be non-negative integers');
  if (index >= size) return err('bad_input', `index ${index} is outside a tree of size ${size}`);
  const bad = badLength({ leafHash, root }) ?? badProofLength(proof);
  if (bad) return bad;

  let r: Buffer = Buffer.from(leafHash);
  const walk = climb(index, size - 1, proof, (p, leftSibling) => {
    r = leftSibling ? nodeHash(p, r) : nodeHash(r, p);
  });
  if (walk === 'too_long') return err('bad_proof', 'inclusion proof is longer than the path to the root');
  if (walk === 'too_short') return err('bad_proof', 'inclusion proof is shorter than the path to the root');
  if (!r.equals(root)) return err('root_mismatch', 'inclusion proof does not lead to the root');
  return OK;
}

export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): VerifyResult {
  if (!isLeafCount(size1) || !isLeafCount(size2)) return err('bad_input', 'sizes must be non-negative integers');
  if (size1 > size2) return err('bad_input', `size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === size2) {
    if (proof.length > 0) return err('bad_proof', 'sizes are equal, so the proof must be empty');
    if (!Buffer.from(root1).equals(root2)) return err('root_mismatch', 'sizes are equal but the roots differ');
    if (size1 === 0 && !emptyRoot().equals(root1))
      return err('root_mismatch', 'the root of the empty tree is not the empty hash');
    return OK;
  }
  if (size1 === 0) return err('bad_input', 'a consistency proof from the empty tree is meaningless');
  if (proof.length === 0) return err('bad_proof', 'consistency proof is empty');
  const bad = badLength({ root1, root2 }) ?? badProofLength(proof);
  if (bad) return bad;

  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let fr: Buffer = Buffer.from(path[0] as Uint8Array);
  let sr: Buffer = fr;
  const walk = climb(fn, sn, path.slice(1), (c, leftSibling) => {
    if (leftSibling) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
    } else {
      sr = nodeHash(sr, c);
    }
  });
  if (walk === 'too_long') return err('bad_proof', 'consistency proof is too long');
  if (walk === 'too_short') return err('bad_proof', 'consistency proof is too short');
  if (!fr.equals(root1)) return err('root_mismatch', 'consistency proof does not lead to the first root');
  if (!sr.equals(root2)) return err('root_mismatch', 'consistency proof does not lead to the second root');
  return OK;
}

/**
 * RFC 9162's walk up the tree from node fn of last node sn: each proof hash
 * is handed to `fold` with whether it is the left sibling (fn odd, or the
 * last node of its level); after a left sibling, the levels where fn is a
 * left child on the right edge have no sibling and are skipped. The proof
 * fits when it ends exactly at the root.
 */
function climb(
  fn: number,
  sn: number,
  proof: readonly Uint8Array[],
  fold: (sibling: Uint8Array, leftSibling: boolean) => void,
): 'reaches_root' | 'too_long' | 'too_short' {
  for (const p of proof) {
    if (sn === 0) return 'too_long';
    const leftSibling = isOdd(fn) || fn === sn;
    fold(p, leftSibling);
    if (leftSibling) while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 ? 'reaches_root' : 'too_short';
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function badLength(hashes: Record<string, Uint8Array>): Err<Problem<'bad_input'>> | undefined {
  for (const [name, h] of Object.entries(hashes)) {
    if (h.length !== HASH_SIZE) return err('bad_input', `${name} is ${h.length} bytes, not ${HASH_SIZE}`);
  }
  return undefined;
}

function badProofLength(proof: readonly Uint8Array[]): Err<Problem<'bad_proof'>> | undefined {
  const i = proof.findIndex((p) => p.length !== HASH_SIZE);
  return i < 0 ? undefined : err('bad_proof', `proof element ${i} is not ${HASH_SIZE} bytes`);
}
