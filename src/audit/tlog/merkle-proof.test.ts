import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leafHash, rootFromLeafHashes } from './merkle-hash.js';
import { memoryNodes } from './memory-nodes.js';
import {
  consistencyPlan,
  consistencyProof,
  inclusionPlan,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
  type GetNode,
} from './merkle-proof.js';

// RFC 6962 proof vectors from transparency-dev/merkle (Apache-2.0); see test/fixtures/vectors/README.md.
const dir = join(import.meta.dirname, '../../../test/fixtures/vectors/merkle');
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const load = (kind: string): [string, Record<string, unknown>][] =>
  readdirSync(join(dir, kind))
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(dir, kind, f), 'utf8')) as Record<string, unknown>]);
const proofOf = (v: unknown): Buffer[] => ((v as string[] | null) ?? []).map(b64);

describe('inclusion vectors', () => {
  const cases = load('inclusion');
  it('has the published cases', () => expect(cases.length).toBe(98));
  for (const [name, c] of cases) {
    it(`${c.wantErr ? 'rejects' : 'accepts'} ${name}`, () => {
      const r = verifyInclusion(
        b64(c.leafHash as string),
        c.leafIdx as number,
        c.treeSize as number,
        proofOf(c.proof),
        b64(c.root as string),
      );
      expect(r.ok).toBe(!c.wantErr);
    });
  }
});

describe('consistency vectors', () => {
  const cases = load('consistency');
  it('has the published cases', () => expect(cases.length).toBe(98));
  for (const [name, c] of cases) {
    it(`${c.wantErr ? 'rejects' : 'accepts'} ${name}`, () => {
      const r = verifyConsistency(
        c.size1 as number,
        c.size2 as number,
        proofOf(c.proof),
        b64(c.root1 as string),
        b64(c.root2 as string),
      );
      expect(r.ok).toBe(!c.wantErr);
    });
  }
});

function leaves(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));
}

function counting(getNode: GetNode): { getNode: GetNode; calls: () => number } {
  let calls = 0;
  return {
    getNode: (l, i) => {
      calls++;
      return getNode(l, i);
    },
    calls: () => calls,
  };
}

describe('proof generation', () => {
  const all = leaves(40);
  const nodes = memoryNodes(all);

  it('generates inclusion proofs that verify for every index of every size up to 40', () => {
    for (let size = 1; size <= 40; size++) {
      const root = rootFromLeafHashes(all.slice(0, size));
      for (let i = 0; i < size; i++) {
        const p = inclusionProof(i, size, nodes);
        if (!p.ok) throw new Error(p.error.message);
        expect(verifyInclusion(all[i] as Buffer, i, size, p.value, root)).toEqual({ ok: true });
      }
    }
  });

  it('generates consistency proofs that verify for every pair of sizes up to 40', () => {
    for (let size2 = 1; size2 <= 40; size2++) {
      const root2 = rootFromLeafHashes(all.slice(0, size2));
      for (let size1 = 1; size1 <= size2; size1++) {
        const p = consistencyProof(size1, size2, nodes);
        if (!p.ok) throw new Error(p.error.message);
        const r = verifyConsistency(size1, size2, p.value, rootFromLeafHashes(all.slice(0, size1)), root2);
        expect(r).toEqual({ ok: true });
      }
    }
  });

  it('reproduces every published happy-path proof from the RFC 6962 test tree', () => {
    // The vectors' tree: the eight leaves of the RFC 6962 reference tests.
    const tree = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const rfcLeaves = tree.map((h) => leafHash(Buffer.from(h, 'hex')));
    const rfcNodes = memoryNodes(rfcLeaves);
    let compared = 0;
    for (const [, c] of load('inclusion')) {
      const size = c.treeSize as number;
      if (c.wantErr || c.desc !== 'happy path' || size < 1) continue;
      const p = inclusionProof(c.leafIdx as number, size, rfcNodes);
      expect(p.ok && p.value.map((h) => h.toString('base64'))).toEqual((c.proof as string[] | null) ?? []);
      expect(rootFromLeafHashes(rfcLeaves.slice(0, size)).toString('base64')).toBe(c.root);
      compared++;
    }
    for (const [, c] of load('consistency')) {
      if (c.wantErr || c.desc !== 'happy path') continue;
      const p = consistencyProof(c.size1 as number, c.size2 as number, rfcNodes);
      expect(p.ok && p.value.map((h) => h.toString('base64'))).toEqual((c.proof as string[] | null) ?? []);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });

  it('needs O(log n) node lookups', () => {
    const big = leaves(1000);
    const src = memoryNodes(big);
    for (const [i, n] of [
      [0, 1000],
      [999, 1000],
      [517, 1000],
      [511, 513],
    ] as const) {
      const c = counting(src);
      expect(inclusionProof(i, n, c.getNode).ok).toBe(true);
      expect(c.calls()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
    }
    for (const [m, n] of [
      [1, 1000],
      [511, 1000],
      [999, 1000],
      [600, 777],
    ] as const) {
      const c = counting(src);
      expect(consistencyProof(m, n, c.getNode).ok).toBe(true);
      expect(c.calls()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
    }
  });

  it('refuses out-of-range requests', () => {
    expect(inclusionPlan(5, 5)).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(inclusionPlan(-1, 5)).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(consistencyPlan(6, 5)).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(consistencyPlan(0, 5)).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(consistencyPlan(5, 5)).toEqual({ ok: true, value: [] });
  });

  it('reports why a proof fails', () => {
    const root = rootFromLeafHashes(all.slice(0, 8));
    const p = inclusionProof(3, 8, nodes);
    if (!p.ok) throw new Error(p.error.message);
    expect(verifyInclusion(all[3] as Buffer, 3, 8, p.value.slice(1), root)).toMatchObject({
      ok: false,
      error: { code: 'bad_proof' },
    });
    expect(verifyInclusion(all[4] as Buffer, 3, 8, p.value, root)).toMatchObject({
      ok: false,
      error: { code: 'root_mismatch' },
    });
  });
});
