import { stringify } from 'yaml';
import { diffManifests } from '../../../release/components.js';
import { findRelease } from '../../../release/find-release.js';
import { shortId } from '../../../release/release-id.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export async function runDiff(ctx: CliContext, a: string, b: string): Promise<number> {
  const store = await ctx.store();
  const from = await findRelease(store, a);
  const to = await findRelease(store, b);
  const details = diffManifests(from.manifest, to.manifest);
  ctx.print({ from: from.id, to: to.id, changes: details.map((d) => d.component), details }, () => {
    if (details.length === 0) return `${shortId(from.id)} → ${shortId(to.id)}: no component changed`;
    const body = details.map(
      (d) =>
        `${d.component}:\n  from: ${stringify(d.from).trimEnd().replace(/\n/g, '\n    ')}\n  to:   ${stringify(d.to).trimEnd().replace(/\n/g, '\n    ')}`,
    );
    return [`${shortId(from.id)} → ${shortId(to.id)}: ${details.map((d) => d.component).join(', ')}`, ...body].join(
      '\n',
    );
  });
  return EXIT.ok;
}
