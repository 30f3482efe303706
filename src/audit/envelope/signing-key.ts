import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readRegularFile } from '../../kernel/read-regular-file.js';
import { join } from 'node:path';
import { sha256Hex } from '../../kernel/digest.js';
import { rawPublicKey } from './ed25519-raw.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';

export { publicKeyFromRaw, rawPublicKey } from './ed25519-raw.js';
export { noteKeyId, noteVerifierKey, parseVerifierKey, type NoteVerifierKey } from '../tlog/note-verifier-key.js';

/**
 * Ed25519 signing keys for the audit log.
 *
 * Key id (DSSE `keyid`, key file name): lowercase hex SHA-256 of the raw
 * 32-byte Ed25519 public key (RFC 8032 encoding). It depends on the key alone,
 * not on any name, so the same key has the same id everywhere. Signed notes
 * use their own 4-byte id instead (see note-verifier-key.ts).
 *
 * Private keys are stored as PKCS#8 PEM ("BEGIN PRIVATE KEY"), mode 0600.
 */
export interface SigningKey {
  keyid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export type KeyResult = Result<SigningKey, Problem<'not_found' | 'bad_input'>>;

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyid: keyIdOf(publicKey), privateKey, publicKey };
}

/** hex SHA-256 of the raw public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return sha256Hex(rawPublicKey(publicKey));
}

export function privateKeyPem(key: SigningKey): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function publicKeyPem(publicKey: KeyObject): string {
  return publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/** A signing key from PKCS#8 PEM text. */
export function signingKeyFromPem(pem: string): KeyResult {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return err('bad_input', 'not a PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    return err('bad_input', `key is ${privateKey.asymmetricKeyType ?? 'unknown'}, not Ed25519`);
  const publicKey = createPublicKey(privateKey);
  return ok({ keyid: keyIdOf(publicKey), privateKey, publicKey });
}

export function loadSigningKeyFile(path: string): KeyResult {
  const bytes = readRegularFile(path);
  if (!bytes.ok)
    return bytes.error.code === 'missing'
      ? err('not_found', `no key file at ${path}`)
      : err('bad_input', `cannot read key file ${path}: ${bytes.error.message}`);
  const r = signingKeyFromPem(bytes.value.toString('utf8'));
  return r.ok ? r : err(r.error.code, `${path}: ${r.error.message}`);
}

/**
 * A signing key from the PEM held in an environment variable. CI secret
 * stores often flatten newlines to a literal "\n"; those are restored.
 */
export function loadSigningKeyFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): KeyResult {
  const value = env[name];
  if (value === undefined || value.trim() === '') return err('not_found', `environment variable ${name} is not set`);
  const pem = value.includes('\n') ? value : value.replace(/\\n/g, '\n');
  const r = signingKeyFromPem(pem);
  return r.ok ? r : err(r.error.code, `${name}: ${r.error.message}`);
}

/**
 * Generate a key and write it to `<dir>/<keyid>.pem` with mode 0600 (the
 * directory is created with mode 0700 if missing). Never overwrites.
 */
export function writeNewSigningKey(dir: string): { key: SigningKey; path: string } {
  const key = generateSigningKey();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${key.keyid}.pem`);
  writeFileSync(path, privateKeyPem(key), { mode: 0o600, flag: 'wx' });
  return { key, path };
}
