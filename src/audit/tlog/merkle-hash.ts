import { createHash } from 'node:crypto';
import { splitPoint } from './tree-math.js';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256.
 *
 * A leaf is hashed with a 0x00 prefix and an interior node with a 0x01 prefix,
 * so a leaf can never be passed off as a node (second-preimage protection).
 */

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.of(0x00);
const NODE_PREFIX = Buffer.of(0x01);

/** MTH({d}) = SHA-256(0x00 ‖ d). */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** Interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

/** Merkle tree hash of a list of leaf hashes (RFC 6962 §2.1 MTH). */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return emptyRoot();
  return subtreeRoot(hashes, 0, hashes.length);
}

function subtreeRoot(hashes: readonly Uint8Array[], start: number, n: number): Buffer {
  if (n === 1) return Buffer.from(hashes[start] as Uint8Array);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(hashes, start, k), subtreeRoot(hashes, start + k, n - k));
}
