import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SluiceError } from '../../kernel/errors.js';

/** Where a project keeps the key of its sticky hashes, beside its signing keys (never in sluice.yaml). */
export const STICKY_SECRET_FILE = '.sluice/keys/sticky-hash.key';
/** Overrides the file: gateways on several hosts sharing one PostgreSQL store must hash sticky keys alike. */
export const STICKY_SECRET_ENV = 'SLUICE_STICKY_SECRET';

const HEX_SECRET = /^[0-9a-f]{64}$/;

function parse(text: string, where: string): Buffer {
  const hex = text.trim().toLowerCase();
  if (!HEX_SECRET.test(hex))
    throw new SluiceError('bad_input', `${where}: the sticky-hash key must be 64 hex digits (32 random bytes)`);
  return Buffer.from(hex, 'hex');
}

/**
 * The project's sticky-hash key: env SLUICE_STICKY_SECRET, else
 * `.sluice/keys/sticky-hash.key`, created (32 random bytes, mode 0600) on
 * first use. The same key across restarts keeps every stored sticky hash
 * (and so `traces erase --user`) meaning the same person.
 */
export function loadStickySecret(projectDir: string, env: NodeJS.ProcessEnv): Buffer {
  const fromEnv = env[STICKY_SECRET_ENV];
  if (fromEnv) return parse(fromEnv, STICKY_SECRET_ENV);
  const path = join(projectDir, STICKY_SECRET_FILE);
  try {
    return parse(readFileSync(path, 'utf8'), STICKY_SECRET_FILE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return parse(readFileSync(path, 'utf8'), STICKY_SECRET_FILE);
}
