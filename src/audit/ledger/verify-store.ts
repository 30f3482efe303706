import type { KeyObject } from 'node:crypto';
import type { AuditEntryRecord, AuditStore } from '../audit-store.js';
import { logKeys } from './log-keys.js';
import { verifyLeaves, type LogVerdict } from './verify-leaves.js';

const PAGE = 5000;

async function* pages(store: Pick<AuditStore, 'auditEntries'>, size: number): AsyncIterable<AuditEntryRecord[]> {
  for (let from = 0; from < size; from += PAGE) yield store.auditEntries(from, Math.min(size, from + PAGE));
}

/** `audit verify` against the store: every stored leaf, signature and checkpoint. */
export async function verifyStoredLog(store: AuditStore, origin: string, pinnedKey?: KeyObject): Promise<LogVerdict> {
  const keys = await logKeys(store, origin, pinnedKey);
  const checkpoints = (await store.checkpoints()).map((c) => c.note);
  const size = await store.auditSize();
  return verifyLeaves({ origin, leaves: pages(store, size), ...keys, checkpoints });
}
