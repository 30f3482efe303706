import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { verifyInclusion } from './merkle-verify.js';
import type { NoteVerifierKey } from './note-verifier-key.js';
import { fail, type Failure } from '../../kernel/result.js';
import { verifyNote } from './signed-note.js';
import { parseTlogProof } from './tlog-proof.js';

export type TlogProofVerifyResult =
  | { ok: true; index: number; checkpoint: Checkpoint; extra?: Buffer }
  | Failure<
      'malformed' | 'unknown_key' | 'bad_signature' | 'wrong_origin' | 'bad_input' | 'bad_proof' | 'root_mismatch'
    >;

/**
 * Verify a c2sp.org/tlog-proof for an entry whose RFC 6962 leaf hash the
 * caller computed from the entry itself: the checkpoint must be signed by a
 * trusted key, name the expected origin, and the inclusion proof must lead
 * from the leaf hash at the stated index to the checkpoint root.
 */
export function verifyTlogProof(
  text: string,
  leafHash: Uint8Array,
  trust: { origin: string; verifierKeys: string | NoteVerifierKey | readonly (string | NoteVerifierKey)[] },
): TlogProofVerifyResult {
  const parsed = parseTlogProof(text);
  if (!parsed.ok) return parsed;
  const note = verifyNote(parsed.proof.checkpoint, trust.verifierKeys);
  if (!note.ok) return note;
  const cp = parseCheckpoint(note.text);
  if (!cp.ok) return cp;
  const { checkpoint } = cp;
  if (checkpoint.origin !== trust.origin)
    return fail('wrong_origin', `checkpoint is for ${checkpoint.origin}, not ${trust.origin}`);
  const { index, proof, extra } = parsed.proof;
  const inclusion = verifyInclusion(leafHash, index, checkpoint.size, proof, checkpoint.root);
  if (!inclusion.ok) return inclusion;
  return extra === undefined ? { ok: true, index, checkpoint } : { ok: true, index, checkpoint, extra };
}
