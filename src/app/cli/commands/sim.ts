import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE } from '../../../config/load-config.js';
import type { ProviderConfig } from '../../../config/sluice-schema.js';
import { SluiceError } from '../../../kernel/errors.js';
import { simEngineFor } from '../../../providers/sim/create-sim-engine.js';
import { startSimServer } from '../../../providers/sim/sim-server.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { numberFlag, PORT, type NumberRule } from '../number-flag.js';

const SEED: NumberRule = {
  integer: true,
  min: Number.MIN_SAFE_INTEGER,
  max: Number.MAX_SAFE_INTEGER,
  expected: 'a whole number',
};

/** The port the sim listens on unless --port says otherwise (the gateway's default is 8787). */
export const DEFAULT_SIM_PORT = 8788;

export interface SimOptions {
  port?: string;
  host?: string;
  /** A models YAML file (relative to the project) instead of the project's sim provider's. */
  models?: string;
  /** Which sim provider of sluice.yaml, when it has several. */
  provider?: string;
  seed?: string;
  /** Multiplies simulated latencies (default 1: real time; 0: none). */
  timeScale?: string;
}

async function simConfig(
  ctx: CliContext,
  opts: SimOptions,
): Promise<{ name: string; config: Pick<ProviderConfig, 'models' | 'seed'> }> {
  const hasConfig = existsSync(join(ctx.projectDir, CONFIG_FILE));
  if (opts.models !== undefined && !hasConfig) return { name: 'sim', config: { models: opts.models } };
  const providers = Object.entries((await ctx.config()).providers).filter(
    ([name, p]) => p.kind === 'sim' && (opts.provider === undefined || name === opts.provider),
  );
  const found = providers[0];
  if (!found && opts.models === undefined) {
    const which = opts.provider === undefined ? 'no provider of kind sim' : `no sim provider "${opts.provider}"`;
    throw new SluiceError(
      'bad_input',
      `${CONFIG_FILE}: ${which}; add one ({ kind: sim, models: sim.yaml }) or pass --models FILE`,
    );
  }
  const [name, config] = found ?? ['sim', {}];
  return { name, config: { ...config, ...(opts.models !== undefined ? { models: opts.models } : {}) } };
}

/** Serves the project's simulated models over an OpenAI-compatible HTTP API until SIGINT or SIGTERM. */
export async function runSim(ctx: CliContext, opts: SimOptions): Promise<number> {
  const port = numberFlag('--port', opts.port, PORT) ?? DEFAULT_SIM_PORT;
  const timeScale = numberFlag('--time-scale', opts.timeScale, { min: 0, expected: 'a number from 0 on' }) ?? 1;
  const { name, config } = await simConfig(ctx, opts);
  const seed = numberFlag('--seed', opts.seed, SEED) ?? config.seed ?? 0;
  const engine = simEngineFor({ ...config, seed }, ctx.projectDir);
  const server = await startSimServer({ engine, port, host: opts.host ?? '127.0.0.1', timeScale });
  const models = engine.modelNames();
  ctx.print({ provider: name, url: server.url, port: server.port, seed, models }, () =>
    [
      `sim "${name}" (seed ${seed}) serving on ${server.url}`,
      `models: ${models.length ? models.join(', ') : 'any name (no models file)'}`,
      `point a provider at it: { kind: openai-compatible, base_url: ${server.url} }`,
      'stop with Ctrl-C',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  ctx.note('sim stopped');
  return EXIT.ok;
}
