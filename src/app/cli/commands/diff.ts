import { diffManifests } from '../../../release/components.js';
import { findRelease } from '../../../release/find-release.js';
import { manifestPatches } from '../../../release/manifest-diff.js';
import { shortId } from '../../../release/release-id.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

/** `sluice diff A B`: the components that differ, each as a unified diff (prompt text, or the settings as YAML). */
export async function runDiff(ctx: CliContext, a: string, b: string): Promise<number> {
  const store = await ctx.store();
  const from = await findRelease(store, a);
  const to = await findRelease(store, b);
  const details = diffManifests(from.manifest, to.manifest);
  const patches = await manifestPatches(store, from, to, details);
  ctx.print({ from: from.id, to: to.id, changes: details.map((d) => d.component), details, patches }, () => {
    if (details.length === 0) return `${shortId(from.id)} → ${shortId(to.id)}: no component changed`;
    return [
      `${shortId(from.id)} → ${shortId(to.id)}: ${details.map((d) => d.component).join(', ')} changed`,
      ...patches.map((p) => `\n${p.what}:\n${p.patch}`),
    ].join('\n');
  });
  return EXIT.ok;
}
