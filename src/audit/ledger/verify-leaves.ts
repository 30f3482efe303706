import type { KeyObject } from 'node:crypto';
import { parseCheckpoint } from '../checkpoint.js';
import { CompactRange } from '../compact-range.js';
import { verifyEnvelope } from '../dsse.js';
import { parseStatement } from '../in-toto.js';
import { leafHash } from '../merkle-hash.js';
import type { NoteVerifierKey } from '../note-verifier-key.js';
import { verifyNote } from '../signed-note.js';

export interface LeafInput {
  readonly index: number;
  readonly leaf: Uint8Array;
}

export type LogVerdict =
  | { ok: true; entries: number; root: string; checkpoints: number }
  | { ok: false; index: number | null; code: string; message: string };

export interface VerifyLeavesInput {
  readonly origin: string;
  /** Entries in index order, starting at 0. */
  readonly leaves: AsyncIterable<readonly LeafInput[]>;
  /** DSSE keys by keyid. */
  readonly envelopeKeys: ReadonlyMap<string, KeyObject>;
  /** Keys trusted to sign checkpoints. */
  readonly noteKeys: readonly NoteVerifierKey[];
  /** Signed checkpoint notes; the last one must cover every entry. */
  readonly checkpoints: readonly string[];
}

const bad = (index: number | null, code: string, message: string): LogVerdict => ({ ok: false, index, code, message });

/**
 * Recomputes the tree from the leaves and checks every envelope signature and
 * statement, every checkpoint's signature, origin and root (each must be a
 * prefix of this tree), and that the last checkpoint covers the whole log.
 * Names the first bad index.
 */
export async function verifyLeaves(input: VerifyLeavesInput): Promise<LogVerdict> {
  const parsed = [];
  for (const note of input.checkpoints) {
    const v = verifyNote(note, input.noteKeys);
    if (!v.ok) return bad(null, 'checkpoint_signature', `checkpoint: ${v.message}`);
    const c = parseCheckpoint(v.text);
    if (!c.ok) return bad(null, 'checkpoint_malformed', `checkpoint: ${c.message}`);
    if (c.checkpoint.origin !== input.origin) {
      return bad(null, 'checkpoint_origin', `checkpoint is for origin "${c.checkpoint.origin}", not "${input.origin}"`);
    }
    parsed.push(c.checkpoint);
  }
  const wanted = new Map<number, Buffer[]>();
  for (const c of parsed) wanted.set(c.size, [...(wanted.get(c.size) ?? []), Buffer.from(c.root)]);
  const checkRoot = (range: CompactRange): LogVerdict | undefined => {
    for (const root of wanted.get(range.size) ?? []) {
      if (!root.equals(range.root())) {
        return bad(range.size - 1, 'checkpoint_root', `the checkpoint of size ${range.size} does not match the tree over the stored entries`);
      }
    }
    return undefined;
  };

  const range = CompactRange.empty();
  const early = checkRoot(range);
  if (early) return early;
  for await (const page of input.leaves) {
    for (const { index, leaf } of page) {
      if (index !== range.size) return bad(range.size, 'sequence', `entry ${range.size} is missing (found ${index} instead)`);
      let env: unknown;
      try {
        env = JSON.parse(Buffer.from(leaf).toString('utf8'));
      } catch {
        return bad(index, 'malformed', `entry ${index} is not a JSON envelope`);
      }
      const v = verifyEnvelope(env, input.envelopeKeys);
      if (!v.ok) return bad(index, `envelope_${v.code}`, `entry ${index}: ${v.message}`);
      const st = parseStatement(v.payload);
      if (!st.ok) return bad(index, 'statement', `entry ${index}: ${st.message}`);
      range.append(leafHash(leaf));
      const r = checkRoot(range);
      if (r) return r;
    }
  }
  const maxSize = Math.max(0, ...parsed.map((c) => c.size));
  if (maxSize > range.size) return bad(range.size, 'truncated', `a checkpoint covers ${maxSize} entries but only ${range.size} are present`);
  if (parsed.length === 0 && range.size > 0) return bad(null, 'no_checkpoint', 'the log has entries but no signed checkpoint');
  if (maxSize < range.size) return bad(maxSize, 'unchecked', `entries from ${maxSize} on are not covered by a signed checkpoint`);
  return { ok: true, entries: range.size, root: range.root().toString('base64'), checkpoints: parsed.length };
}
