import { shortId } from '../../../release/release-id.js';
import { registerRelease } from '../../../release/register.js';
import type { CliContext } from '../context.js';
import { DATASET_CHECKS } from '../dataset-checks.js';
import { EXIT } from '../exit-codes.js';

export async function runRegister(ctx: CliContext, file: string): Promise<number> {
  const project = await ctx.project();
  const { release, created, receipt } = await registerRelease({
    store: project.store,
    config: project.config,
    projectDir: project.projectDir,
    file,
    actor: ctx.actor,
    clock: project.clock,
    ledger: project.ledger,
    checkDataset: DATASET_CHECKS,
  });
  ctx.print(
    { id: release.id, name: release.name, baseline: release.baseline, changes: release.changes, created, receipt },
    () => {
      const what = created ? 'registered' : 'already registered';
      const base = release.baseline
        ? ` vs ${shortId(release.baseline)}: ${release.changes.length ? release.changes.join(', ') : 'no component changed'}`
        : ' (first release of the route)';
      return `${what} ${release.name} ${release.id}${base}`;
    },
  );
  return EXIT.ok;
}
