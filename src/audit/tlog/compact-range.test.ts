import { describe, expect, it } from 'vitest';
import { CompactRange, type StoredNode } from './compact-range.js';
import { leafHash, rootFromLeafHashes } from './merkle-hash.js';
import { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion, type GetNode } from './merkle-proof.js';

const leaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));

/** What a store would do: keep every emitted node under (level, index). */
function nodeStore(): { put: (nodes: StoredNode[]) => void; getNode: GetNode; count: () => number } {
  const map = new Map<string, Buffer>();
  return {
    put: (nodes) => {
      for (const n of nodes) map.set(`${n.level}/${n.index}`, n.hash);
    },
    getNode: (level, index) => {
      const h = map.get(`${level}/${index}`);
      if (!h) throw new Error(`missing node ${level}/${index}`);
      return h;
    },
    count: () => map.size,
  };
}

describe('CompactRange', () => {
  const all = leaves(70);

  it('has the same root as the full tree for sizes 0..70', () => {
    const range = CompactRange.empty();
    expect(range.root().equals(rootFromLeafHashes([]))).toBe(true);
    for (let n = 1; n <= 70; n++) {
      range.append(all[n - 1] as Buffer);
      expect(range.size).toBe(n);
      expect(range.root().toString('hex')).toBe(rootFromLeafHashes(all.slice(0, n)).toString('hex'));
    }
  });

  it('emits each perfect subtree exactly once (2n - popcount(n) nodes)', () => {
    const range = CompactRange.empty();
    const store = nodeStore();
    let emitted = 0;
    for (const h of all) {
      const nodes = range.append(h);
      emitted += nodes.length;
      store.put(nodes);
    }
    const popcount = (70)
      .toString(2)
      .split('')
      .filter((b) => b === '1').length;
    expect(emitted).toBe(2 * 70 - popcount);
    expect(store.count()).toBe(emitted);
  });

  it('emits nodes from which proofs verify at every size', () => {
    const range = CompactRange.empty();
    const store = nodeStore();
    const roots: Buffer[] = [range.root()];
    for (const h of all) {
      store.put(range.append(h));
      roots.push(range.root());
    }
    for (let size = 1; size <= 70; size++) {
      for (let i = 0; i < size; i++) {
        const p = inclusionProof(i, size, store.getNode);
        if (!p.ok) throw new Error(p.error.message);
        expect(verifyInclusion(all[i] as Buffer, i, size, p.value, roots[size] as Buffer).ok).toBe(true);
      }
      for (let size1 = 1; size1 <= size; size1++) {
        const p = consistencyProof(size1, size, store.getNode);
        if (!p.ok) throw new Error(p.error.message);
        expect(verifyConsistency(size1, size, p.value, roots[size1] as Buffer, roots[size] as Buffer).ok).toBe(true);
      }
    }
  });

  it('restores from stored nodes and carries on', () => {
    const first = CompactRange.empty();
    const store = nodeStore();
    for (const h of all.slice(0, 45)) store.put(first.append(h));
    const again = CompactRange.restore(45, store.getNode);
    expect(again.root().equals(first.root())).toBe(true);
    expect(again.nodes().map((n) => [n.level, n.index])).toEqual([
      [5, 0],
      [3, 4],
      [2, 10],
      [0, 44],
    ]);
    for (const h of all.slice(45)) store.put(again.append(h));
    expect(again.root().equals(rootFromLeafHashes(all))).toBe(true);
  });

  it('rejects a leaf hash of the wrong length', () => {
    expect(() => CompactRange.empty().append(Buffer.from('short'))).toThrow(RangeError);
  });
});
