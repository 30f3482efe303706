import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { SluiceError } from '../../kernel/errors.js';
import type { AuditStore } from '../audit-store.js';
import { decodeBase64 } from '../envelope/base64.js';
import { noteVerifierKey, parseVerifierKey } from '../tlog/note-verifier-key.js';
import { keysFor } from './log-keys.js';
import { logFailure, verifyLeaves, type LogVerdict } from './verify-leaves.js';

/**
 * What `audit export` writes: enough to verify the log offline, with no store.
 * `verifier_key` signs the checkpoint; `previous_verifier_keys` (present once
 * the key has been rotated) are the keys older entries were signed with;
 * `checkpoints` are the log's earlier checkpoints, in size order, so that a
 * verifier can name the first entry that no longer matches them.
 */
export interface AuditBundle {
  origin: string;
  verifier_key: string;
  previous_verifier_keys?: string[];
  checkpoint: string;
  checkpoints?: string[];
  entries: { index: number; body: string }[];
}

const bundleSchema = z.strictObject({
  origin: z.string().min(1),
  verifier_key: z.string().min(1),
  previous_verifier_keys: z.array(z.string().min(1)).optional(),
  checkpoint: z.string().min(1),
  checkpoints: z.array(z.string().min(1)).optional(),
  entries: z.array(z.strictObject({ index: z.number().int().min(0), body: z.string() })),
});

export async function exportBundle(
  store: Pick<AuditStore, 'latestCheckpoint' | 'checkpoints' | 'auditEntries' | 'auditKeys'>,
  origin: string,
  publicKey: KeyObject,
): Promise<AuditBundle> {
  const latest = await store.latestCheckpoint();
  if (!latest) throw new SluiceError('not_found', 'the audit log is empty: nothing to export');
  const entries = await store.auditEntries(0, latest.size);
  const earlier = (await store.checkpoints()).filter((c) => c.size < latest.size).map((c) => c.note);
  const current = noteVerifierKey(origin, publicKey);
  const previous = (await store.auditKeys())
    .map((k) => noteVerifierKey(origin, createPublicKey(k.publicKeyPem)))
    .filter((k) => k !== current);
  return {
    origin,
    verifier_key: current,
    ...(previous.length > 0 ? { previous_verifier_keys: previous } : {}),
    checkpoint: latest.note,
    ...(earlier.length > 0 ? { checkpoints: earlier } : {}),
    entries: entries.map((e) => ({ index: e.index, body: e.leaf.toString('base64') })),
  };
}

export function parseBundle(text: string, file: string): AuditBundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SluiceError('bad_input', `${file}: not JSON (${(e as Error).message})`);
  }
  const r = bundleSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new SluiceError('bad_input', `${file}: ${issue.path.join('.') || 'bundle'}: ${issue.message}`);
  }
  return r.data;
}

/**
 * Verifies an exported bundle offline. The checkpoint must be signed by
 * `trustedKey` (a verifier key string the caller trusts: the bundle's own
 * `verifier_key` proves nothing about who signed it, so choosing it is the
 * caller's decision). Entries signed before a key rotation are checked with
 * the bundle's previous keys: the checkpoint's tree head already fixes every
 * entry's bytes, so a substituted old key can only make verification fail,
 * never pass a change. A witnessed checkpoint, when given, must be signed by
 * the trusted key and match the tree at its size, and the bundle must reach it.
 */
export async function verifyBundle(bundle: AuditBundle, trustedKey: string, witness?: string): Promise<LogVerdict> {
  const parsed = parseVerifierKey(trustedKey);
  if (!parsed.ok) return logFailure(null, 'bad_key', `verifier key: ${parsed.error.message}`);
  const key = parsed.value;
  if (key.name !== bundle.origin) {
    return logFailure(null, 'checkpoint_origin', `the key is for "${key.name}", the bundle for "${bundle.origin}"`);
  }
  const previous: KeyObject[] = [];
  for (const text of bundle.previous_verifier_keys ?? []) {
    const old = parseVerifierKey(text);
    if (!old.ok) return logFailure(null, 'bad_key', `previous verifier key: ${old.error.message}`);
    if (old.value.name !== bundle.origin)
      return logFailure(
        null,
        'checkpoint_origin',
        `a previous key is for "${old.value.name}", the bundle for "${bundle.origin}"`,
      );
    previous.push(old.value.publicKey);
  }
  const trusted = keysFor([key.publicKey], bundle.origin);
  const keys = {
    envelopeKeys: keysFor([key.publicKey, ...previous], bundle.origin).envelopeKeys,
    noteKeys: trusted.noteKeys,
  };
  const leaves: { index: number; leaf: Buffer }[] = [];
  for (const e of bundle.entries) {
    const leaf = decodeBase64(e.body);
    if (!leaf) return logFailure(e.index, 'malformed', `entry ${e.index}: body is not base64`);
    leaves.push({ index: e.index, leaf });
  }
  async function* once() {
    yield leaves;
  }
  return verifyLeaves({
    origin: bundle.origin,
    leaves: once(),
    ...keys,
    checkpoints: [...(bundle.checkpoints ?? []), bundle.checkpoint],
    ...(witness !== undefined ? { witness } : {}),
  });
}
