import { createHash, type KeyObject } from 'node:crypto';
import { decodeBase64 } from '../envelope/base64.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';
import { publicKeyFromRaw, rawPublicKey } from '../envelope/ed25519-raw.js';

/**
 * C2SP signed-note Ed25519 verifier keys, in the text form of
 * golang.org/x/mod/sumdb/note: `<name>+<key id, 8 hex>+<base64(0x01 ‖ pubkey)>`.
 * Key id = first 4 bytes (big-endian uint32) of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ pubkey).
 */

const ALG_ED25519 = 0x01;

export interface NoteVerifierKey {
  name: string;
  /** The 4-byte key id as an unsigned 32-bit integer. */
  keyId: number;
  publicKey: KeyObject;
}

export type VerifierKeyResult = Result<NoteVerifierKey, Problem<'malformed' | 'unsupported'>>;

/** Key names are non-empty, with no Unicode spaces (JS \s plus U+0085) and no '+'. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\s+\u0085]/u.test(name);
}

export function noteKeyId(name: string, publicKey: KeyObject): number {
  const h = createHash('sha256')
    .update(Buffer.from(name, 'utf8'))
    .update(Buffer.of(0x0a, ALG_ED25519))
    .update(rawPublicKey(publicKey))
    .digest();
  return h.readUInt32BE(0);
}

export function noteVerifierKey(name: string, publicKey: KeyObject): string {
  if (!isValidKeyName(name)) throw new RangeError(`invalid note key name ${JSON.stringify(name)}`);
  const id = noteKeyId(name, publicKey).toString(16).padStart(8, '0');
  const key = Buffer.concat([Buffer.of(ALG_ED25519), rawPublicKey(publicKey)]).toString('base64');
  return `${name}+${id}+${key}`;
}

export function parseVerifierKey(text: string): VerifierKeyResult {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return err('malformed', 'verifier key is not name+id+key');
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  if (!isValidKeyName(name)) return err('malformed', 'verifier key has an invalid name');
  if (!/^[0-9a-f]{8}$/i.test(idHex)) return err('malformed', 'verifier key id is not 8 hex digits');
  const key = decodeBase64(text.slice(second + 1));
  if (!key || key.length === 0) return err('malformed', 'verifier key is not base64');
  if (key[0] !== ALG_ED25519) return err('unsupported', `signature algorithm ${key[0]} is not Ed25519`);
  if (key.length !== 33) return err('malformed', 'Ed25519 verifier key must be 32 bytes');
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyFromRaw(key.subarray(1));
  } catch {
    return err('malformed', 'not a valid Ed25519 public key');
  }
  const keyId = Number.parseInt(idHex, 16);
  if (noteKeyId(name, publicKey) !== keyId) return err('malformed', 'verifier key id does not match name and key');
  return ok({ name, keyId, publicKey });
}
