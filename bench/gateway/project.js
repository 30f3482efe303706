// The gateway benches' temporary project: examples/starter plus a provider
// `upstream` (kind openai-compatible, provider defaults otherwise) pointing at
// the bench upstream, and release.yaml's model moved onto it. Everything else
// (judges, observe, rollout, gateway settings) is the starter's.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../dist/app/cli/main.js';

const root = join(import.meta.dirname, '..', '..');
export const ROUTE = 'support-assistant';

/** A fresh copy of the starter whose provider `upstream` is the OpenAI-compatible server at `upstreamUrl`. */
export function makeProject(upstreamUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-gw-'));
  cpSync(join(root, 'examples', 'starter'), dir, { recursive: true });
  const cfg = join(dir, 'sluice.yaml');
  const text = readFileSync(cfg, 'utf8');
  if (!/^providers:\n/m.test(text)) throw new Error('examples/starter/sluice.yaml has no providers: block');
  let config = text.replace(
    /^providers:\n/m,
    `providers:\n  upstream: { kind: openai-compatible, base_url: ${upstreamUrl}/v1 }\n`,
  );
  // SLUICE_BENCH_OBSERVE_RATE overrides the observer's sample rate (bench/observer.bench.js compares 0.05 with 0).
  const rate = process.env.SLUICE_BENCH_OBSERVE_RATE;
  if (rate !== undefined) config = config.replace(/sample_rate: [0-9.]+/, `sample_rate: ${rate}`);
  writeFileSync(cfg, config);
  setModel(dir, 'bench-model-a');
  return dir;
}

/** Points release.yaml at `model` on the upstream provider. */
export function setModel(dir, model) {
  const file = join(dir, 'release.yaml');
  const text = readFileSync(file, 'utf8').replace(/^model: .*$/m, `model: { provider: upstream, name: ${model} }`);
  writeFileSync(file, text);
}

/** Runs the CLI in-process in `dir` (as `sluice ARGS`), capturing its output; throws on a non-zero exit. */
export async function cli(dir, args, env = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, SLUICE_ACTOR: 'bench', ...env },
    cwd: dir,
    isTTY: false,
  });
  if (code !== 0) throw new Error(`sluice ${args.join(' ')} exited ${code}\n${stdout}\n${stderr}`);
  return stdout;
}

/** Registers release.yaml; its id. */
export async function register(dir, env) {
  return JSON.parse(await cli(dir, ['register', 'release.yaml', '--json'], env)).id;
}
