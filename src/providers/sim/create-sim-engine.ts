import type { ProviderConfig } from '../../config/sluice-schema.js';
import { loadSimSpec } from './load-sim.js';
import { SimEngine } from './sim-engine.js';

/** The engine a `kind: sim` provider describes: its `models:` file (relative to the project) and `seed`. */
export function simEngineFor(config: Pick<ProviderConfig, 'models' | 'seed'>, projectDir: string): SimEngine {
  const { file, knowledge } = loadSimSpec(config.models, projectDir);
  return new SimEngine({ seed: config.seed ?? 0, knowledge, ...(file ? { file } : {}) });
}
