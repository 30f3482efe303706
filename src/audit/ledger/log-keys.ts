import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AuditStore } from '../audit-store.js';
import { keyIdOf } from '../envelope/signing-key.js';
import { noteKeyId, type NoteVerifierKey } from '../tlog/note-verifier-key.js';

export interface LogKeys {
  readonly envelopeKeys: Map<string, KeyObject>;
  readonly noteKeys: NoteVerifierKey[];
}

/** Keys for verification: every key the log has been signed with (rotation keeps old ones), or only a pinned one. */
export async function logKeys(
  store: Pick<AuditStore, 'auditKeys'>,
  origin: string,
  pinned?: KeyObject,
): Promise<LogKeys> {
  const publicKeys = pinned ? [pinned] : (await store.auditKeys()).map((k) => createPublicKey(k.publicKeyPem));
  return keysFor(publicKeys, origin);
}

export function keysFor(publicKeys: readonly KeyObject[], origin: string): LogKeys {
  return {
    envelopeKeys: new Map(publicKeys.map((k) => [keyIdOf(k), k])),
    noteKeys: publicKeys.map((k) => ({ name: origin, keyId: noteKeyId(origin, k), publicKey: k })),
  };
}
