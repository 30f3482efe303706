import type { KeyObject } from 'node:crypto';
import { type Err, errOf, ok, type Problem, type Result } from '../../kernel/result.js';
import { parseCheckpoint } from '../tlog/checkpoint.js';
import { CompactRange } from '../tlog/compact-range.js';
import type { NoteVerifierKey } from '../tlog/note-verifier-key.js';
import { splitNote, verifyNote } from '../tlog/signed-note.js';

import type { LeafCode, LeafInput } from './check-leaf.js';
import { inProcessChecker, workerChecker } from './verify-pool.js';

export type { LeafInput };

/** A verified log: its entries, its root (base64) and how many checkpoints cover it. */
export interface LogSummary {
  readonly entries: number;
  readonly root: string;
  readonly checkpoints: number;
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
  | 'unchecked';

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
  /** Verify signatures on worker threads (default true). */
  readonly parallel?: boolean;
}

export const logFailure = (index: number | null, code: LogCode, message: string): Err<LogProblem> =>
  errOf({ code, message, index });

/**
 * Recomputes the tree from the leaves and checks every envelope signature and
 * statement, every checkpoint's signature, origin and root (each must be a
 * prefix of this tree), and that the last checkpoint covers the whole log.
 * Names the first bad index.
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
  const wanted = new Map<number, Buffer[]>();
  for (const c of parsed) wanted.set(c.size, [...(wanted.get(c.size) ?? []), Buffer.from(c.root)]);
  const checkRoot = (range: CompactRange): LogVerdict | undefined => {
    for (const root of wanted.get(range.size) ?? []) {
      if (!root.equals(range.root())) {
        return logFailure(
          range.size - 1,
          'checkpoint_root',
          `the checkpoint of size ${range.size} does not match the tree over the stored entries`,
        );
      }
    }
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
      for (const [i, { index }] of page.entries()) {
        if (index !== range.size)
          return logFailure(range.size, 'sequence', `entry ${range.size} is missing (found ${index} instead)`);
        if (!r.ok && r.error.index === index) return logFailure(index, r.error.code, r.error.message);
        range.append(hashes[i]!);
        const c = checkRoot(range);
        if (c) return c;
      }
      return undefined;
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
  return ok({ entries: range.size, root: range.root().toString('base64'), checkpoints: parsed.length });
}
