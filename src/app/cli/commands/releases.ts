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
  ctx.print(rows, () =>
    rows.length === 0
      ? 'no releases yet: sluice register release.yaml'
      : rows
          .map(
            (r) =>
              `${shortId(r.id)}  ${r.name.padEnd(16)} ${(r.version ?? '').padEnd(8)} ${r.stable ? 'stable ' : '       '} ${r.changes.join(',') || '-'}  ${r.created_at}  ${r.actor}`,
          )
          .join('\n'),
  );
  return EXIT.ok;
}
