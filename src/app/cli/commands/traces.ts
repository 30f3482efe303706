import { eraseContent } from '../../../audit/forensics/erase.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `traces erase --user KEY [--before DATE]`: stored content replaced by its digest; metrics and receipts kept. */
export async function runTracesErase(
  ctx: CliContext,
  opts: { user?: string; before?: string; vacuum?: boolean },
): Promise<number> {
  const store = await ctx.store();
  const r = await eraseContent(store, opts, (await ctx.project()).traceKeeping.stickySecret);
  const whose = [
    r.sticky_hash ? `sticky key hash ${r.sticky_hash.slice(0, 12)}…` : '',
    r.before ? `before ${r.before}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  ctx.print(r, () =>
    [
      `erased the content of ${r.traces} trace${r.traces === 1 ? '' : 's'} and ${r.shadow_pairs} shadow pair${r.shadow_pairs === 1 ? '' : 's'} (${whose}); digests and metrics kept`,
      ...r.purged.map((d) => `  done: ${d}`),
      ...r.remaining.map((d) => `  may remain: ${d}`),
    ].join('\n'),
  );
  return EXIT.ok;
}
