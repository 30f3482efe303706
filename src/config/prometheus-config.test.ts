import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../kernel/errors.js';
import { loadProjectConfig } from './load-config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function load(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-prom-cfg-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'sluice.yaml'), yaml);
  return loadProjectConfig(dir);
}

function errorOf(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SluiceError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

const head = 'project: legal\nproviders:\n  up: { kind: openai-compatible, base_url: "http://127.0.0.1:8000/v1" }\n';
const monitor = [
  'rollout:',
  '  monitors:',
  '    error_rate: 0.02',
  '    mesh_p95:',
  '      kind: ratio',
  '      query: histogram_quantile(0.95, sum by (le) (rate(lat_bucket{version="{{release_short}}"}[{{window}}])))',
  '      max: 1.3',
  '',
].join('\n');

describe('Prometheus monitors in sluice.yaml', () => {
  it('load beside the built-in thresholds, with the server and its credentials named by environment variable', () => {
    const cfg = load(`${head}prometheus: { url: "http://prom:9090", bearer_token_env: PROM_TOKEN }\n${monitor}`).value;
    expect(cfg.rollout.monitors.error_rate).toBe(0.02);
    expect(cfg.rollout.monitors.mesh_p95).toMatchObject({ kind: 'ratio', max: 1.3, on_breach: 'pause' });
    expect(cfg.prometheus).toMatchObject({ url: 'http://prom:9090', bearer_token_env: 'PROM_TOKEN', timeout_ms: 2000 });
  });

  it('need the prometheus: section, naming the monitor and its line', () => {
    const e = errorOf(() => load(`${head}${monitor}`));
    expect(e.code).toBe('bad_input');
    expect(e.message).toMatch(
      /sluice\.yaml:8:7: rollout\.monitors\.mesh_p95: a Prometheus monitor needs the prometheus: section/,
    );
  });

  it('refuse an unknown substitution in a query', () => {
    const e = errorOf(() =>
      load(`${head}prometheus: { url: "http://prom:9090" }\n${monitor.replace('{{window}}', '{{step}}')}`),
    );
    expect(e.message).toMatch(/rollout\.monitors\.mesh_p95\.query: unknown substitution \{\{step\}\}/);
  });

  it('read a misspelt built-in threshold as an unknown monitor, not as a Prometheus one', () => {
    const e = errorOf(() => load(`${head}rollout:\n  monitors:\n    eror_rate: 0.02\n`));
    expect(e.message).toMatch(
      /sluice\.yaml:6:\d+: rollout\.monitors\.eror_rate: unknown monitor: the built-in monitors are error_rate/,
    );
  });

  it('refuse a token written in the file', () => {
    const e = errorOf(() => load(`${head}prometheus: { url: "http://prom:9090", bearer_token: abc }\n`));
    expect(e.message).toMatch(/prometheus\.bearer_token: unknown key/);
  });
});
