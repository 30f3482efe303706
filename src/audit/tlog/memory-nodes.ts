import { nodeHash } from './merkle-hash.js';
import type { GetNode } from './merkle-proof.js';

/**
 * Every perfect subtree hash of an in-memory list of leaf hashes, as a
 * `GetNode` lookup. O(n) to build; meant for tests and small offline tools
 * (a store answers the same lookups from the nodes `CompactRange` emits).
 */
export function memoryNodes(leafHashes: readonly Uint8Array[]): GetNode {
  const levels: Buffer[][] = [leafHashes.map((h) => Buffer.from(h))];
  for (let below = levels[0] as Buffer[]; below.length >= 2; ) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) next.push(nodeHash(below[i] as Buffer, below[i + 1] as Buffer));
    levels.push(next);
    below = next;
  }
  return (level, index) => {
    const hash = levels[level]?.[index];
    if (!hash) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    return hash;
  };
}
