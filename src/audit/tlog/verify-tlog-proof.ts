import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { verifyInclusion } from './merkle-verify.js';
import type { NoteVerifierKey } from './note-verifier-key.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';
import { verifyNote } from './signed-note.js';
import { parseTlogProof } from './tlog-proof.js';

export interface VerifiedTlogProof {
  index: number;
  checkpoint: Checkpoint;
  extra?: Buffer;
}

export type TlogProofVerifyResult = Result<
  VerifiedTlogProof,
  Problem<'malformed' | 'unknown_key' | 'bad_signature' | 'wrong_origin' | 'bad_input' | 'bad_proof' | 'root_mismatch'>
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
  const note = verifyNote(parsed.value.checkpoint, trust.verifierKeys);
  if (!note.ok) return note;
  const cp = parseCheckpoint(note.value.text);
  if (!cp.ok) return cp;
  const checkpoint = cp.value;
  if (checkpoint.origin !== trust.origin)
    return err('wrong_origin', `checkpoint is for ${checkpoint.origin}, not ${trust.origin}`);
  const { index, proof, extra } = parsed.value;
  const inclusion = verifyInclusion(leafHash, index, checkpoint.size, proof, checkpoint.root);
  if (!inclusion.ok) return inclusion;
  return ok(extra === undefined ? { index, checkpoint } : { index, checkpoint, extra });
}
