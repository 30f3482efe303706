import { shortId } from '../../../release/release-id.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';

export async function runReleases(ctx: CliContext, opts: { route?: string }): Promise<number> {
  const store = await ctx.store();
  const releases = await store.listReleases(opts.route === undefined ? {} : { name: opts.route });
  const stables = new Map<string, string | null>();
  for (const r of releases)
    if (!stables.has(r.name)) stables.set(r.name, (await store.getRoute(r.name))?.stable ?? null);
  const rows = releases.map((r) => ({
    id: r.id,
    name: r.name,
    version: r.manifest.metadata.version ?? null,
    baseline: r.baseline,
    changes: r.changes,
    actor: r.actor,
    created_at: r.createdAt,
    stable: stables.get(r.name) === r.id,
  }));
  ctx.print(rows, () => {
    if (rows.length === 0) return 'no releases yet: sluice register release.yaml';
    const changed = (r: (typeof rows)[number]): string =>
      r.baseline === null ? 'first of its route' : r.changes.join(', ') || 'none';
    const table = [
      ['ID', 'ROUTE', 'VERSION', 'STABLE', 'CHANGED VS BASELINE', 'REGISTERED', 'BY'],
      ...rows.map((r) => [
        shortId(r.id),
        r.name,
        r.version ?? '',
        r.stable ? 'stable' : '',
        changed(r),
        r.created_at,
        r.actor,
      ]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    return table
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  });
  return EXIT.ok;
}
