import type { KeyObject } from 'node:crypto';
import { verifyEnvelope } from '../envelope/dsse.js';
import { parseStatement } from '../envelope/in-toto.js';
import { leafHash } from '../tlog/merkle-hash.js';

export interface LeafInput {
  readonly index: number;
  readonly leaf: Uint8Array;
}

/** Leaf hashes of the page; on failure, of the leaves before the first bad one. */
export type PageResult =
  | { ok: true; hashes: Buffer[] }
  | { ok: false; hashes: Buffer[]; index: number; code: string; message: string };

/** Checks one page of leaves (envelope signature, statement shape) and returns their leaf hashes, or the first failure. */
export function checkPage(page: readonly LeafInput[], keys: ReadonlyMap<string, KeyObject>): PageResult {
  const hashes: Buffer[] = [];
  for (const { index, leaf } of page) {
    let env: unknown;
    try {
      env = JSON.parse(Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength).toString('utf8'));
    } catch {
      return { ok: false, hashes, index, code: 'malformed', message: `entry ${index} is not a JSON envelope` };
    }
    const v = verifyEnvelope(env, keys);
    if (!v.ok) return { ok: false, hashes, index, code: `envelope_${v.code}`, message: `entry ${index}: ${v.message}` };
    const st = parseStatement(v.payload);
    if (!st.ok) return { ok: false, hashes, index, code: 'statement', message: `entry ${index}: ${st.message}` };
    hashes.push(leafHash(leaf));
  }
  return { ok: true, hashes };
}
