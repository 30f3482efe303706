import { createPublicKey } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../kernel/digest.js';
import {
  generateSigningKey,
  keyIdOf,
  loadSigningKeyFile,
  loadSigningKeyFromEnv,
  noteVerifierKey,
  parseVerifierKey,
  privateKeyPem,
  publicKeyFromRaw,
  rawPublicKey,
  signingKeyFromPem,
  writeNewSigningKey,
} from './signing-key.js';
import { ed25519FromSeed, PETER_NEUMANN } from '../test-support/test-keys.js';
import { tempDir } from '../../kernel/test-support/temp-dir.js';

describe('signing keys', () => {
  it('uses hex SHA-256 of the raw public key as key id', () => {
    const key = generateSigningKey();
    expect(rawPublicKey(key.publicKey)).toHaveLength(32);
    expect(key.keyid).toBe(sha256Hex(rawPublicKey(key.publicKey)));
    expect(keyIdOf(key.privateKey)).toBe(key.keyid);
    expect(publicKeyFromRaw(rawPublicKey(key.publicKey)).equals(key.publicKey)).toBe(true);
  });

  it('round-trips through PEM and environment variables', () => {
    const key = generateSigningKey();
    const pem = privateKeyPem(key);
    expect(signingKeyFromPem(pem)).toMatchObject({ ok: true, value: { keyid: key.keyid } });
    expect(loadSigningKeyFromEnv('K', { K: pem })).toMatchObject({ ok: true, value: { keyid: key.keyid } });
    expect(loadSigningKeyFromEnv('K', { K: pem.replace(/\n/g, '\\n') })).toMatchObject({
      ok: true,
      value: { keyid: key.keyid },
    });
    expect(loadSigningKeyFromEnv('K', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(loadSigningKeyFromEnv('K', { K: 'nope' })).toMatchObject({ ok: false, error: { code: 'bad_input' } });
  });

  it('writes a new key with mode 0600 and never overwrites', () => {
    const dir = join(tempDir('sluice-keys-'), '.sluice', 'keys');
    const { key, path } = writeNewSigningKey(dir);
    expect(path).toBe(join(dir, `${key.keyid}.pem`));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(loadSigningKeyFile(path)).toMatchObject({ ok: true, value: { keyid: key.keyid } });
    expect(loadSigningKeyFile(join(dir, 'missing.pem'))).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses keys that are not Ed25519', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(signingKeyFromPem(pem)).toMatchObject({ ok: false, error: { code: 'bad_input' } });
  });
});

describe('note verifier keys', () => {
  const peter = ed25519FromSeed(Buffer.from(PETER_NEUMANN.seedBase64, 'base64'));

  it('reproduces the published verifier key', () => {
    expect(noteVerifierKey(PETER_NEUMANN.name, createPublicKey(peter))).toBe(PETER_NEUMANN.verifierKey);
    expect(noteVerifierKey(PETER_NEUMANN.name, peter)).toBe(PETER_NEUMANN.verifierKey);
  });

  it('parses a verifier key and checks its id', () => {
    const r = parseVerifierKey(PETER_NEUMANN.verifierKey);
    expect(r).toMatchObject({ ok: true, value: { name: 'PeterNeumann', keyId: 0xc74f20a3 } });
    expect(r.ok && r.value.publicKey.equals(createPublicKey(peter))).toBe(true);
  });

  it('rejects malformed verifier keys', () => {
    const bad = [
      '',
      'PeterNeumann',
      'PeterNeumann+c74f20a3',
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // wrong id
      'PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // short id
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', // wrong length
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // space in name
      'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!',
    ];
    for (const text of bad) expect(parseVerifierKey(text).ok, text).toBe(false);
    expect(parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toMatchObject({
      ok: false,
      error: { code: 'unsupported' },
    });
  });

  it('refuses invalid key names when formatting', () => {
    const key = generateSigningKey();
    expect(() => noteVerifierKey('', key.publicKey)).toThrow();
    expect(() => noteVerifierKey('a+b', key.publicKey)).toThrow();
    expect(() => noteVerifierKey('a\u00a0b', key.publicKey)).toThrow();
  });
});
