import type { AuditStore } from '../audit-store.js';
import { type DecodedReceipt, decodeReceipt } from '../envelope/receipt-leaf.js';
import { checkPage } from './check-leaf.js';
import { logKeys } from './log-keys.js';

const PAGE = 5000;

/** A receipt as `audit log` shows it: decoded from its signed statement, and whether its entry verified. */
export interface ShownReceipt extends DecodedReceipt {
  readonly verified: boolean;
  /** Why the entry did not verify (signature, statement, or a stored column that disagrees with it). */
  readonly problem?: string;
}

/**
 * The receipts whose signed statement matches the filter, in log order. The
 * filter is applied to what the envelope says, not to the store's columns, so a
 * forged column can neither add an entry to a listing nor hide one from it;
 * each entry shown has its envelope signature checked against the log's keys.
 */
export async function readReceipts(
  store: Pick<AuditStore, 'auditSize' | 'auditEntries' | 'auditKeys'>,
  origin: string,
  filter: { kind?: string; subject?: string; actor?: string } = {},
): Promise<ShownReceipt[]> {
  // The keys the log lists: `audit log` checks each envelope, `audit verify` ties the log to a trusted key.
  const { envelopeKeys } = await logKeys(store, origin);
  const size = await store.auditSize();
  const shown: ShownReceipt[] = [];
  for (let from = 0; from < size; from += PAGE) {
    for (const entry of await store.auditEntries(from, Math.min(size, from + PAGE))) {
      const receipt = decodeReceipt(entry);
      if (filter.kind !== undefined && receipt.kind !== filter.kind) continue;
      if (filter.subject !== undefined && receipt.subject !== filter.subject) continue;
      if (filter.actor !== undefined && receipt.actor !== filter.actor) continue;
      const checked = checkPage([entry], envelopeKeys);
      shown.push(
        checked.ok ? { ...receipt, verified: true } : { ...receipt, verified: false, problem: checked.error.message },
      );
    }
  }
  return shown;
}
