import type { KeyObject } from 'node:crypto';
import { type Err, errOf, ok, type Problem, type Result } from '../../kernel/result.js';
import { parseCheckpoint } from '../tlog/checkpoint.js';
import { CompactRange, type StoredNode } from '../tlog/compact-range.js';
import type { NoteVerifierKey } from '../tlog/note-verifier-key.js';
import { splitNote, verifyNote } from '../tlog/signed-note.js';

import type { LeafCode, LeafInput } from './check-leaf.js';
import { inProcessChecker, workerChecker } from './verify-pool.js';

export type { LeafInput };

/**
 * A verified log: the number of entries verified, its root (base64), how many
 * checkpoints cover it, and the size of the witnessed checkpoint it was checked
 * against (null without one).
 */
export interface LogSummary {
  readonly entries: number;
  readonly root: string;
  readonly checkpoints: number;
  readonly witnessed: number | null;
}

export type LogCode =
  | LeafCode
  | 'bad_key'
  | 'checkpoint_signature'
  | 'checkpoint_malformed'
  | 'checkpoint_origin'
  | 'checkpoint_root'
  | 'sequence'
  | 'truncated'
  | 'no_checkpoint'
  | 'unchecked'
  | 'tree_node'
  | 'witness_signature'
  | 'witness_malformed'
  | 'witness_root'
  | 'witness_consistency';

/** Why a log fails verification; `index` names the first bad entry, null when the fault is not in one entry. */
export interface LogProblem extends Problem<LogCode> {
  readonly index: number | null;
}

export type LogVerdict = Result<LogSummary, LogProblem>;

export interface VerifyLeavesInput {
  readonly origin: string;
  /** Entries in index order, starting at 0. */
  readonly leaves: AsyncIterable<readonly LeafInput[]>;
  /** DSSE keys by keyid. */
  readonly envelopeKeys: ReadonlyMap<string, KeyObject>;
  /** Keys trusted to sign checkpoints. */
  readonly noteKeys: readonly NoteVerifierKey[];
  /**
   * Stored checkpoints, in size order. The last one's signature is checked; the
   * others must be prefixes of the tree (their roots are checked).
   */
  readonly checkpoints: readonly string[];
  /**
   * A checkpoint kept outside the store (`audit checkpoint --out`, held by a
   * witness): signed by a trusted key, the tree at its size must have its root,
   * and the log must still reach its size.
   */
  readonly witness?: string;
  /**
   * The stored tree nodes of one level in [from, to): when given, every node the
   * recomputed tree completes must be stored with the same hash.
   */
  readonly storedNodes?: (level: number, from: number, to: number) => Promise<{ index: number; hash: Buffer }[]>;
  /** Verify signatures on worker threads (default true). */
  readonly parallel?: boolean;
}

export const logFailure = (index: number | null, code: LogCode, message: string): Err<LogProblem> =>
  errOf({ code, message, index });

/** The first created node the store does not hold with the same hash, as a failure. */
async function checkStoredNodes(
  created: readonly StoredNode[],
  storedNodes: NonNullable<VerifyLeavesInput['storedNodes']>,
): Promise<LogVerdict | undefined> {
  const byLevel = new Map<number, StoredNode[]>();
  for (const n of created) {
    const level = byLevel.get(n.level);
    if (level) level.push(n);
    else byLevel.set(n.level, [n]);
  }
  for (const [level, nodes] of byLevel) {
    const from = nodes[0]!.index;
    const to = nodes[nodes.length - 1]!.index + 1;
    const stored = new Map((await storedNodes(level, from, to)).map((n) => [n.index, n.hash]));
    for (const n of nodes) {
      const hash = stored.get(n.index);
      if (hash && Buffer.from(hash).equals(n.hash)) continue;
      const first = n.index * 2 ** level;
      const last = first + 2 ** level - 1;
      return logFailure(
        null,
        'tree_node',
        `the stored tree node at level ${level}, index ${n.index} (over entries ${first}..${last}) ${hash ? 'does not match the hash of those entries' : 'is missing'}`,
      );
    }
  }
  return undefined;
}

/**
 * Recomputes the tree from the leaves and checks every envelope signature and
 * statement (and the stored columns beside it), every checkpoint's origin and
 * root (each must be a prefix of this tree; the last one's signature is
 * checked), that the last checkpoint covers the whole log, the stored tree
 * nodes when asked, and a witnessed checkpoint when given. Names the first
 * index that fails: when a checkpoint's root does not match, the first entry
 * after the last checkpoint that did.
 */
export async function verifyLeaves(input: VerifyLeavesInput): Promise<LogVerdict> {
  const parsed = [];
  for (const [i, note] of input.checkpoints.entries()) {
    const last = i === input.checkpoints.length - 1;
    const v = last ? verifyNote(note, input.noteKeys) : splitNote(note);
    if (!v.ok)
      return logFailure(null, last ? 'checkpoint_signature' : 'checkpoint_malformed', `checkpoint: ${v.error.message}`);
    const c = parseCheckpoint(v.value.text);
    if (!c.ok) return logFailure(null, 'checkpoint_malformed', `checkpoint: ${c.error.message}`);
    if (c.value.origin !== input.origin) {
      return logFailure(
        null,
        'checkpoint_origin',
        `checkpoint is for origin "${c.value.origin}", not "${input.origin}"`,
      );
    }
    parsed.push(c.value);
  }
  let witness: { size: number; root: Buffer } | undefined;
  if (input.witness !== undefined) {
    const v = verifyNote(input.witness, input.noteKeys);
    if (!v.ok) return logFailure(null, 'witness_signature', `witnessed checkpoint: ${v.error.message}`);
    const c = parseCheckpoint(v.value.text);
    if (!c.ok) return logFailure(null, 'witness_malformed', `witnessed checkpoint: ${c.error.message}`);
    if (c.value.origin !== input.origin)
      return logFailure(
        null,
        'witness_malformed',
        `the witnessed checkpoint is for origin "${c.value.origin}", not "${input.origin}"`,
      );
    witness = { size: c.value.size, root: Buffer.from(c.value.root) };
  }
  const wanted = new Map<number, Buffer[]>();
  for (const c of parsed) wanted.set(c.size, [...(wanted.get(c.size) ?? []), Buffer.from(c.root)]);
  // Entries below this size are fixed by a checkpoint whose root matched.
  let proven = 0;
  const checkRoot = (range: CompactRange): LogVerdict | undefined => {
    const wants = wanted.get(range.size);
    if (!wants && witness?.size !== range.size) return undefined;
    const root = range.root();
    if (witness && witness.size === range.size && !witness.root.equals(root))
      return logFailure(
        proven,
        'witness_root',
        `the witnessed checkpoint of size ${range.size} does not match the stored entries ${proven}..${range.size - 1}`,
      );
    for (const want of wants ?? []) {
      if (!want.equals(root)) {
        return logFailure(
          proven,
          'checkpoint_root',
          `the checkpoint of size ${range.size} does not match the tree over entries ${proven}..${range.size - 1} (entries before ${proven} match earlier checkpoints)`,
        );
      }
    }
    proven = range.size;
    return undefined;
  };

  const range = CompactRange.empty();
  const early = checkRoot(range);
  if (early) return early;
  const checker = input.parallel === false ? inProcessChecker(input.envelopeKeys) : workerChecker(input.envelopeKeys);
  try {
    // Pages are checked ahead (in flight on the workers) and consumed in order.
    const inFlight: { page: readonly LeafInput[]; result: ReturnType<typeof checker.check> }[] = [];
    const consume = (): Promise<LogVerdict | undefined> => consumePage(inFlight.shift()!);
    const consumePage = async ({ page, result }: (typeof inFlight)[number]): Promise<LogVerdict | undefined> => {
      const r = await result;
      const hashes = r.ok ? r.value : r.error.hashes;
      const created: StoredNode[] = [];
      for (const [i, { index }] of page.entries()) {
        if (index !== range.size)
          return logFailure(range.size, 'sequence', `entry ${range.size} is missing (found ${index} instead)`);
        if (!r.ok && r.error.index === index) return logFailure(index, r.error.code, r.error.message);
        created.push(...range.append(hashes[i]!));
        const c = checkRoot(range);
        if (c) return c;
      }
      return input.storedNodes ? checkStoredNodes(created, input.storedNodes) : undefined;
    };
    for await (const page of input.leaves) {
      for (let at = 0; at < page.length; at += 1000) {
        const slice = page.slice(at, at + 1000);
        inFlight.push({ page: slice, result: checker.check(slice) });
        if (inFlight.length > 8) {
          const v = await consume();
          if (v) return v;
        }
      }
    }
    while (inFlight.length > 0) {
      const v = await consume();
      if (v) return v;
    }
  } finally {
    await checker.close();
  }
  if (witness && witness.size > range.size)
    return logFailure(
      range.size,
      'truncated',
      `the witnessed checkpoint covers ${witness.size} entries but only ${range.size} are present: entries ${range.size}..${witness.size - 1} were removed`,
    );
  const maxSize = Math.max(0, ...parsed.map((c) => c.size));
  if (maxSize > range.size)
    return logFailure(
      range.size,
      'truncated',
      `a checkpoint covers ${maxSize} entries but only ${range.size} are present`,
    );
  if (parsed.length === 0 && range.size > 0)
    return logFailure(null, 'no_checkpoint', 'the log has entries but no signed checkpoint');
  if (maxSize < range.size)
    return logFailure(maxSize, 'unchecked', `entries from ${maxSize} on are not covered by a signed checkpoint`);
  return ok({
    entries: range.size,
    root: range.root().toString('base64'),
    checkpoints: parsed.length,
    witnessed: witness?.size ?? null,
  });
}
