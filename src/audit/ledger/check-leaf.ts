import type { KeyObject } from 'node:crypto';
import { type EnvelopeResult, verifyEnvelope } from '../envelope/dsse.js';
import { errOf, ok, type Problem, type Result } from '../../kernel/result.js';
import { parseStatement } from '../envelope/in-toto.js';
import { leafHash } from '../tlog/merkle-hash.js';
import { columnMismatch, receiptFacts } from '../envelope/receipt-facts.js';

/**
 * One entry to check: its place and leaf bytes and, when it comes from a store,
 * the columns the store indexes it by (checked against the signed statement).
 */
export interface LeafInput {
  readonly index: number;
  readonly leaf: Uint8Array;
  readonly kind?: string;
  readonly subject?: string;
  readonly actor?: string;
}

type EnvelopeCode = Extract<EnvelopeResult, { ok: false }>['error']['code'];

/** Why an entry fails: not a JSON envelope, a bad envelope (by the envelope's own code), or a bad statement. */
export type LeafCode = 'malformed' | `envelope_${EnvelopeCode}` | 'statement' | 'column_mismatch';

/** The first bad entry of a page, and the leaf hashes of the entries before it. */
export interface LeafProblem extends Problem<LeafCode> {
  readonly index: number;
  readonly hashes: Buffer[];
}

/** Leaf hashes of the page, or the first bad entry. */
export type PageResult = Result<Buffer[], LeafProblem>;

/**
 * Checks one page of leaves (envelope signature, statement shape, and the stored
 * kind/subject/actor columns against the signed statement) and returns their
 * leaf hashes, or the first failure.
 */
export function checkPage(page: readonly LeafInput[], keys: ReadonlyMap<string, KeyObject>): PageResult {
  const hashes: Buffer[] = [];
  for (const input of page) {
    const { index, leaf } = input;
    let env: unknown;
    try {
      env = JSON.parse(Buffer.from(leaf.buffer, leaf.byteOffset, leaf.byteLength).toString('utf8'));
    } catch {
      return errOf({ code: 'malformed', message: `entry ${index} is not a JSON envelope`, index, hashes });
    }
    const v = verifyEnvelope(env, keys);
    if (!v.ok)
      return errOf({ code: `envelope_${v.error.code}`, message: `entry ${index}: ${v.error.message}`, index, hashes });
    const st = parseStatement(v.value.payload);
    if (!st.ok) return errOf({ code: 'statement', message: `entry ${index}: ${st.error.message}`, index, hashes });
    const bad = columnMismatch(input, receiptFacts(st.value));
    if (bad)
      return errOf({
        code: 'column_mismatch',
        message: `entry ${index}: ${bad}`,
        index,
        hashes,
      });
    hashes.push(leafHash(leaf));
  }
  return ok(hashes);
}
