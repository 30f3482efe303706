import { createPrivateKey, type KeyObject } from 'node:crypto';

/**
 * Fixed keys for tests. PETER_NEUMANN is the Ed25519 key from the
 * golang.org/x/mod/sumdb/note tests (BSD-3-Clause): its seed, verifier key and
 * the signed note it produces are published known-answer values.
 */
export const PETER_NEUMANN = {
  name: 'PeterNeumann',
  seedBase64: 'gQoUAtUUbI2E8kQzMPVAgOv5juF9nHT2JS/F1ccoMXM=',
  verifierKey: 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  text: "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n",
  signatureLine:
    '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n',
} as const;

/** An Ed25519 private key from its 32-byte RFC 8032 seed (wrapped as PKCS#8 DER). */
export function ed25519FromSeed(seed: Uint8Array): KeyObject {
  const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({ key: Buffer.concat([prefix, seed]), format: 'der', type: 'pkcs8' });
}
