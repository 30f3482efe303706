import { stringify } from 'yaml';
import { findRelease } from '../../../release/find-release.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export async function runShow(ctx: CliContext, id: string): Promise<number> {
  const release = await findRelease(await ctx.store(), id);
  ctx.print(release.manifest, () =>
    [
      `release   ${release.id}`,
      `route     ${release.name}`,
      `baseline  ${release.baseline ?? '(none: first release)'}`,
      `changes   ${release.changes.join(', ') || '-'}`,
      `by        ${release.actor} at ${release.createdAt}`,
      '',
      stringify(release.manifest).trimEnd(),
    ].join('\n'),
  );
  return EXIT.ok;
}
