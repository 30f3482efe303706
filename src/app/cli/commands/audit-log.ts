import { decodeReceipt } from '../../../audit/envelope/receipt-leaf.js';
import { findRelease } from '../../../release/find-release.js';
import { shortId } from '../../../release/release-id.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `audit log`: the receipts, decoded for people (signatures are checked by `audit verify`). */
export async function runAuditLog(ctx: CliContext, opts: { kind?: string; release?: string }): Promise<number> {
  const store = await ctx.store();
  const subject = opts.release ? (await findRelease(store, opts.release)).id : undefined;
  const size = await store.auditSize();
  const entries = await store.auditEntries(0, size, {
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(subject ? { subject } : {}),
  });
  const rows = entries.map((e) => {
    const { statement, ...receipt } = decodeReceipt(e);
    return { ...receipt, predicate: statement ? statement.predicate : null };
  });
  ctx.print(rows, () =>
    rows.length === 0
      ? 'no receipts'
      : rows
          .map((r) => `${String(r.index).padStart(6)}  ${r.at}  ${r.kind.padEnd(16)} ${shortId(r.subject)}  ${r.actor}`)
          .join('\n'),
  );
  return EXIT.ok;
}
