import type { KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../kernel/errors.js';
import {
  loadSigningKeyFile,
  loadSigningKeyFromEnv,
  writeNewSigningKey,
  type KeyResult,
  type SigningKey,
} from '../envelope/signing-key.js';

export interface AuditKeySettings {
  readonly projectDir: string;
  /** `audit.key`: a PEM file, relative to the project. */
  readonly keyFile?: string;
  /** `audit.key_env`: the variable holding the PEM. */
  readonly keyEnv?: string;
  readonly env: NodeJS.ProcessEnv;
}

export const KEYS_DIR = '.sluice/keys';
const CURRENT = 'current';

function orThrow(r: KeyResult, where: string): SigningKey {
  if (r.ok) return r.value;
  throw new SluiceError('bad_input', `audit signing key (${where}): ${r.error.message}`);
}

/**
 * The key that signs receipts and checkpoints: env SLUICE_AUDIT_KEY, else the
 * variable named by audit.key_env, else the file audit.key, else the current key
 * under .sluice/keys/ — created (mode 0600) on first use. Rotating means writing
 * a new key and pointing `.sluice/keys/current` at it; old public keys stay in the
 * store, so old entries keep verifying.
 */
export function loadAuditKey(s: AuditKeySettings, create = true): SigningKey | undefined {
  if (s.env.SLUICE_AUDIT_KEY) return orThrow(loadSigningKeyFromEnv('SLUICE_AUDIT_KEY', s.env), 'SLUICE_AUDIT_KEY');
  if (s.keyEnv) return orThrow(loadSigningKeyFromEnv(s.keyEnv, s.env), s.keyEnv);
  if (s.keyFile) return orThrow(loadSigningKeyFile(join(s.projectDir, s.keyFile)), s.keyFile);
  const dir = join(s.projectDir, KEYS_DIR);
  const pointer = join(dir, CURRENT);
  if (existsSync(pointer)) {
    const keyid = readFileSync(pointer, 'utf8').trim();
    return orThrow(loadSigningKeyFile(join(dir, `${keyid}.pem`)), `${KEYS_DIR}/${keyid}.pem`);
  }
  if (!create) return undefined;
  return rotateAuditKey(s.projectDir);
}

/** Writes a new key under .sluice/keys/ and makes it current. */
export function rotateAuditKey(projectDir: string): SigningKey {
  const dir = join(projectDir, KEYS_DIR);
  const { key } = writeNewSigningKey(dir);
  writeFileSync(join(dir, CURRENT), `${key.keyid}\n`, { mode: 0o600 });
  return key;
}

/**
 * The public keys this project has signed with, read from where the signing
 * keys live (not from the store): the current key, and every key kept under
 * .sluice/keys/ (earlier keys stay there after a rotation). Empty when the
 * project holds no key here (a verifier on another machine).
 */
export function projectPublicKeys(s: AuditKeySettings): KeyObject[] {
  const keys = new Map<string, KeyObject>();
  let current: SigningKey | undefined;
  try {
    current = loadAuditKey(s, false);
  } catch {
    // A key named by audit.key_env but not set here: verification can still use the files below, or --key.
  }
  if (current) keys.set(current.keyid, current.publicKey);
  const dir = join(s.projectDir, KEYS_DIR);
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.pem'))) {
      const k = loadSigningKeyFile(join(dir, file));
      if (k.ok) keys.set(k.value.keyid, k.value.publicKey);
    }
  }
  return [...keys.values()];
}
