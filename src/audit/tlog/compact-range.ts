import { emptyRoot, HASH_SIZE, nodeHash } from './merkle-hash.js';
import type { GetNode } from './merkle-proof.js';
import { isLeafCount, rangeNodeIds, type NodeId } from './tree-math.js';

/** A perfect subtree hash a store should keep so it can answer `getNode`. */
export interface StoredNode extends NodeId {
  hash: Buffer;
}

/**
 * The compact Merkle range [0, size): the roots of the perfect subtrees that
 * cover the leaves so far, largest (leftmost) first — one per set bit of size.
 *
 * `append` is O(log n) and returns every perfect subtree it completes (the
 * leaf itself at level 0, then each parent it closes). A store that persists
 * those nodes holds every complete perfect subtree of the log, which is all
 * that proof generation needs.
 */
export class CompactRange {
  #size: number;
  readonly #roots: Buffer[];

  private constructor(size: number, roots: Buffer[]) {
    this.#size = size;
    this.#roots = roots;
  }

  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Rebuild the range for a log of `size` leaves from stored nodes (O(log n) lookups). */
  static restore(size: number, getNode: GetNode): CompactRange {
    if (!isLeafCount(size)) throw new RangeError(`bad tree size ${size}`);
    const roots = rangeNodeIds(0, size).map((id) => Buffer.from(getNode(id.level, id.index)));
    return new CompactRange(size, roots);
  }

  get size(): number {
    return this.#size;
  }

  /** The covering perfect subtrees, largest first. */
  nodes(): StoredNode[] {
    return rangeNodeIds(0, this.#size).map((id, i) => ({ ...id, hash: Buffer.from(this.#roots[i] as Buffer) }));
  }

  /** Add one leaf hash; returns the nodes completed, lowest level first. */
  append(leafHash: Uint8Array): StoredNode[] {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes`);
    let hash: Buffer = Buffer.from(leafHash);
    let index = this.#size;
    let level = 0;
    const created: StoredNode[] = [{ level, index, hash }];
    while (index % 2 === 1) {
      const left = this.#roots.pop();
      if (!left) throw new Error('compact range is inconsistent with its size');
      hash = nodeHash(left, hash);
      index = (index - 1) / 2;
      level++;
      created.push({ level, index, hash });
    }
    this.#roots.push(hash);
    this.#size++;
    return created;
  }

  /** Merkle tree hash of the leaves so far. */
  root(): Buffer {
    let acc = this.#roots[this.#roots.length - 1];
    if (!acc) return emptyRoot();
    for (let i = this.#roots.length - 2; i >= 0; i--) acc = nodeHash(this.#roots[i] as Buffer, acc);
    return acc;
  }
}
