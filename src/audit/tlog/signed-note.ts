import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64 } from '../envelope/base64.js';
import { isValidKeyName, noteKeyId, parseVerifierKey, type NoteVerifierKey } from './note-verifier-key.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';

/**
 * C2SP signed notes (c2sp.org/signed-note), Ed25519 only, compatible with
 * golang.org/x/mod/sumdb/note:
 *
 *     <text ending in \n>\n— <name> <base64(key id, 4 bytes BE ‖ signature)>\n...
 *
 * The signature covers the text including its final newline, not the blank
 * separator line. Notes are UTF-8 with no control characters but newline.
 */

const SIG_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

export interface NoteSignatureLine {
  name: string;
  keyId: number;
  signature: Buffer;
}

export type SplitNoteResult = Result<{ text: string; signatures: NoteSignatureLine[] }, Problem<'malformed'>>;
export type NoteResult = Result<
  { text: string; verifiedBy: { name: string; keyId: number }[] },
  Problem<'malformed' | 'unknown_key' | 'bad_signature'>
>;

/** Sign `text` (which must end in a newline) with one Ed25519 key. */
export function signNote(text: string, name: string, privateKey: KeyObject): string {
  if (!text.endsWith('\n')) throw new RangeError('note text must end with a newline');
  if (!isCleanText(text)) throw new RangeError('note text must be UTF-8 with no control characters but newline');
  if (!isValidKeyName(name)) throw new RangeError(`invalid note key name ${JSON.stringify(name)}`);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('note signing key must be Ed25519');
  const id = Buffer.alloc(4);
  id.writeUInt32BE(noteKeyId(name, privateKey));
  const sig = sign(null, Buffer.from(text, 'utf8'), privateKey);
  return `${text}\n${SIG_PREFIX}${name} ${Buffer.concat([id, sig]).toString('base64')}\n`;
}

/** Split a note into its text and signature lines without verifying anything. */
export function splitNote(note: string | Uint8Array): SplitNoteResult {
  const msg = typeof note === 'string' ? note : decodeUtf8(note);
  if (msg === undefined || !isCleanText(msg))
    return err('malformed', 'note is not UTF-8 text without control characters');
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) return err('malformed', 'note has no signature block');
  const text = msg.slice(0, split + 1);
  const block = msg.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) return err('malformed', 'note signature block must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return err('malformed', `note has more than ${MAX_SIGNATURES} signatures`);
  const signatures: NoteSignatureLine[] = [];
  for (const line of lines) {
    if (!line.startsWith(SIG_PREFIX)) return err('malformed', 'signature line does not start with an em dash');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const bytes = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
    if (!isValidKeyName(name) || !bytes || bytes.length < 5) return err('malformed', 'malformed signature line');
    signatures.push({ name, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) });
  }
  return ok({ text, signatures });
}

/**
 * Verify a note against trusted verifier keys (text form or parsed).
 * Signatures by unknown keys are ignored; a signature by a known key (same
 * name and key id) that fails rejects the note; at least one must verify.
 */
export function verifyNote(
  note: string | Uint8Array,
  verifierKeys: string | NoteVerifierKey | readonly (string | NoteVerifierKey)[],
): NoteResult {
  const known: NoteVerifierKey[] = [];
  for (const k of Array.isArray(verifierKeys) ? verifierKeys : [verifierKeys]) {
    if (typeof k !== 'string') known.push(k as NoteVerifierKey);
    else {
      const parsed = parseVerifierKey(k);
      if (!parsed.ok) return err('malformed', `verifier key: ${parsed.error.message}`);
      known.push(parsed.value);
    }
  }
  const split = splitNote(note);
  if (!split.ok) return split;
  const message = Buffer.from(split.value.text, 'utf8');
  const verifiedBy: { name: string; keyId: number }[] = [];
  for (const s of split.value.signatures) {
    const key = known.find((k) => k.name === s.name && k.keyId === s.keyId);
    if (!key || verifiedBy.some((v) => v.name === s.name && v.keyId === s.keyId)) continue;
    if (!verify(null, message, key.publicKey, s.signature))
      return err('bad_signature', `signature by ${s.name} does not verify`);
    verifiedBy.push({ name: s.name, keyId: s.keyId });
  }
  if (verifiedBy.length === 0) return err('unknown_key', 'note has no signature by a trusted key');
  return ok({ text: split.value.text, verifiedBy });
}

function isCleanText(s: string): boolean {
  return !/[\u0000-\u0009\u000b-\u001f]/.test(s) && Buffer.from(s, 'utf8').toString('utf8') === s;
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
