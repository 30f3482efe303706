import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { SluiceError } from '../../core/errors.js';
import type { Store } from '../../store/store.js';
import { decodeBase64 } from '../base64.js';
import { noteVerifierKey, parseVerifierKey } from '../note-verifier-key.js';
import { keysFor } from './log-keys.js';
import { verifyLeaves, type LogVerdict } from './verify-leaves.js';

/** What `audit export` writes: enough to verify the log offline, with no store. */
export interface AuditBundle {
  origin: string;
  verifier_key: string;
  checkpoint: string;
  entries: { index: number; body: string }[];
}

const bundleSchema = z.strictObject({
  origin: z.string().min(1),
  verifier_key: z.string().min(1),
  checkpoint: z.string().min(1),
  entries: z.array(z.strictObject({ index: z.number().int().min(0), body: z.string() })),
});

export async function exportBundle(store: Store, origin: string, publicKey: KeyObject): Promise<AuditBundle> {
  const latest = await store.latestCheckpoint();
  if (!latest) throw new SluiceError('not_found', 'the audit log is empty: nothing to export');
  const entries = await store.auditEntries(0, latest.size);
  return {
    origin,
    verifier_key: noteVerifierKey(origin, publicKey),
    checkpoint: latest.note,
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
 * Verifies an exported bundle offline. The trusted key is `pinnedKey` (a
 * verifier key string) when given — the bundle's own key proves nothing about
 * who signed it — else the bundle's verifier_key.
 */
export async function verifyBundle(bundle: AuditBundle, pinnedKey?: string): Promise<LogVerdict> {
  const parsed = parseVerifierKey(pinnedKey ?? bundle.verifier_key);
  if (!parsed.ok) return { ok: false, index: null, code: 'bad_key', message: `verifier key: ${parsed.message}` };
  if (parsed.key.name !== bundle.origin) {
    return { ok: false, index: null, code: 'checkpoint_origin', message: `the key is for "${parsed.key.name}", the bundle for "${bundle.origin}"` };
  }
  const keys = keysFor([parsed.key.publicKey], bundle.origin);
  const leaves: { index: number; leaf: Buffer }[] = [];
  for (const e of bundle.entries) {
    const leaf = decodeBase64(e.body);
    if (!leaf) return { ok: false, index: e.index, code: 'malformed', message: `entry ${e.index}: body is not base64` };
    leaves.push({ index: e.index, leaf });
  }
  async function* once() {
    yield leaves;
  }
  return verifyLeaves({ origin: bundle.origin, leaves: once(), ...keys, checkpoints: [bundle.checkpoint] });
}
