// Register and gate in-process, the way `sluice register` and `sluice gate` do.
import { loadProjectConfig } from '../../dist/config/load-config.js';
import { runGate } from '../../dist/gate/gate.js';
import { systemClock } from '../../dist/kernel/clock.js';
import { registerRelease } from '../../dist/release/register.js';
import { ProviderRegistry } from '../../dist/providers/provider-registry.js';
import { loadServingRelease } from '../../dist/serving/serving-release.js';
import { openStore } from '../../dist/store/open-store.js';
import { DATASET_CHECKS } from '../../dist/app/cli/dataset-checks.js';

export async function openProject(dir, storeUrl) {
  const config = loadProjectConfig(dir).value;
  const store = await openStore(storeUrl ?? config.store, dir);
  return { dir, config, store };
}

export async function register(project, file) {
  const { store, config, dir } = project;
  const r = await registerRelease({
    store,
    config,
    projectDir: dir,
    file,
    actor: 'bench',
    clock: systemClock,
    checkDataset: DATASET_CHECKS,
  });
  return r.release;
}

/** One gate run of a registered release (no baseline) at `concurrency`; wall time in seconds. */
export async function gate(project, record, concurrency, onItem) {
  const { store, config, dir } = project;
  const providers = new ProviderRegistry(config, { projectDir: dir, env: process.env });
  const t0 = process.hrtime.bigint();
  try {
    const release = await loadServingRelease(store, record);
    const run = await runGate(
      { store, config, projectDir: dir, providers, release, baseline: null, clock: systemClock },
      { concurrency, ...(onItem ? { onItem } : {}) },
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { seconds, providerCalls: run.providerCalls, result: run.result };
  } finally {
    await providers.close();
  }
}
