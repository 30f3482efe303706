import { createPublicKey, type KeyObject } from 'node:crypto';
import type { AuditStore } from '../audit-store.js';
import { keyIdOf } from '../envelope/signing-key.js';
import { noteKeyId, type NoteVerifierKey } from '../tlog/note-verifier-key.js';

export interface LogKeys {
  readonly envelopeKeys: Map<string, KeyObject>;
  readonly noteKeys: NoteVerifierKey[];
}

/** Where the key trusted to sign checkpoints came from. */
export type KeySource = 'pinned' | 'project' | 'store';

/** What the verifier trusts: a pinned key, else the project's own public keys (read outside the store). */
export interface KeyTrust {
  readonly pinned?: KeyObject;
  readonly project?: readonly KeyObject[];
}

/** Which key a verification with this trust checks checkpoints against. */
export function keySourceOf(trust: KeyTrust): KeySource {
  return trust.pinned ? 'pinned' : (trust.project ?? []).length > 0 ? 'project' : 'store';
}

/**
 * Keys for verifying the stored log. Checkpoints must be signed by a key the
 * verifier trusts: the pinned one, else the project's own, and only when the
 * verifier has neither, the keys the store lists (which whoever can write the
 * store can add to). Envelopes may also be signed by any key the store lists
 * (rotation keeps old ones): a trusted checkpoint fixes every entry's bytes, so
 * a planted key can only make verification fail, never pass a change.
 */
export async function logKeys(
  store: Pick<AuditStore, 'auditKeys'>,
  origin: string,
  trust: KeyTrust = {},
): Promise<LogKeys> {
  if (trust.pinned) return keysFor([trust.pinned], origin);
  const stored = (await store.auditKeys()).map((k) => createPublicKey(k.publicKeyPem));
  const project = trust.project ?? [];
  if (project.length === 0) return keysFor(stored, origin);
  return {
    envelopeKeys: keysFor([...stored, ...project], origin).envelopeKeys,
    noteKeys: keysFor(project, origin).noteKeys,
  };
}

export function keysFor(publicKeys: readonly KeyObject[], origin: string): LogKeys {
  return {
    envelopeKeys: new Map(publicKeys.map((k) => [keyIdOf(k), k])),
    noteKeys: publicKeys.map((k) => ({ name: origin, keyId: noteKeyId(origin, k), publicKey: k })),
  };
}
