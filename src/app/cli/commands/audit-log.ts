import { auditOrigin } from '../../../audit/ledger/open-ledger.js';
import { readReceipts } from '../../../audit/ledger/read-receipts.js';
import { findRelease } from '../../../release/find-release.js';
import { shortId } from '../../../release/release-id.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/**
 * `audit log`: the receipts, decoded for people from their signed statements
 * (kind, subject and actor as signed, each entry's signature checked). An entry
 * that does not verify is shown marked, and the command exits 1.
 */
export async function runAuditLog(
  ctx: CliContext,
  opts: { kind?: string; release?: string; by?: string },
): Promise<number> {
  const store = await ctx.store();
  const subject = opts.release ? (await findRelease(store, opts.release)).id : undefined;
  const shown = await readReceipts(store, auditOrigin(await ctx.config()), {
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(subject ? { subject } : {}),
    ...(opts.by ? { actor: opts.by } : {}),
  });
  const rows = shown.map(({ statement, ...receipt }) => ({
    ...receipt,
    predicate: statement ? statement.predicate : null,
  }));
  ctx.print(rows, () =>
    rows.length === 0
      ? 'no receipts'
      : rows
          .map(
            (r) =>
              `${String(r.index).padStart(6)}  ${r.at}  ${r.kind.padEnd(16)} ${shortId(r.subject)}  ${r.actor}${r.verified ? '' : `  UNVERIFIED: ${r.problem}`}`,
          )
          .join('\n'),
  );
  const bad = rows.filter((r) => !r.verified);
  if (bad.length === 0) return EXIT.ok;
  ctx.io.stderr(
    `${bad.length} receipt(s) shown do not verify (first: index ${bad[0]!.index}); run: sluice audit verify\n`,
  );
  return EXIT.failed;
}
