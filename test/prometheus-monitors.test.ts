import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { shortId } from '../src/release/release-id.js';
import {
  MetricsTarget,
  PROMETHEUS_BINARY,
  startPrometheus,
  type RunningPrometheus,
} from '../src/rollout/prometheus/test-support/prometheus-server.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutOf, rolloutProject } from './support/rollout-project.js';

describe.skipIf(!PROMETHEUS_BINARY)('a rollout watched by a real Prometheus beside its own monitors', () => {
  const target = new MetricsTarget();
  let prom: RunningPrometheus;
  let server: RunningServer | undefined;
  let store: Store | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    target.set('mesh_requests', { version: 'none' }, 0);
    prom = await startPrometheus(await target.listen());
  }, 60_000);
  afterAll(async () => {
    await prom?.close();
    await target.close();
  });
  afterEach(async () => {
    await server?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("rolls back a canary whose mesh error rate Prometheus proves too high, though Sluice's own traffic is healthy", async () => {
    dir = rolloutProject();
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir!, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    expect((await cli('gate', v1)).code).toBe(0);
    expect((await cli('roll', v1)).code).toBe(0);
    releaseFor(dir, 'helpful-v3', v1);
    const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    expect((await cli('gate', v2)).code).toBe(0);

    // The mesh sees the canary fail 30% of its requests; the stable is clean.
    target.set('mesh_requests', { version: shortId(v2) }, 2000);
    target.set('mesh_errors', { version: shortId(v2) }, 600);
    target.set('mesh_requests', { version: shortId(v1) }, 8000);
    target.set('mesh_errors', { version: shortId(v1) }, 8);
    await prom.waitFor(`mesh_errors{version="${shortId(v2)}"}`);

    const cfg = join(dir, 'sluice.yaml');
    const mesh =
      'mesh_errors: { kind: error_rate, errors: \'max(mesh_errors{version="{{release_short}}"})\', requests: \'max(mesh_requests{version="{{release_short}}"})\', max: 0.05 }';
    writeFileSync(
      cfg,
      `${readFileSync(cfg, 'utf8').replace('cost_ratio: 5 }', `cost_ratio: 5, ${mesh} }`)}prometheus: { url: "${prom.url}", timeout_ms: 2000 }\n`,
    );
    const rolled = await cli('roll', v2);
    expect(rolled.code, rolled.stderr).toBe(0);

    store = await openStore(url, dir);
    server = await startServer({
      store,
      config: loadProjectConfig(dir).value,
      projectDir: dir,
      env: {},
      port: 0,
      tickMs: 100,
      pollMs: 100,
      simTimeScale: 0.05,
    });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const status = async () => rolloutOf(await server!.service.status('support-assistant'));
    const deadline = Date.now() + 30_000;
    for (let n = 0; Date.now() < deadline && (await status()).phase === 'progressing'; n++) {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          client.chat.completions
            .create({
              model: 'support-assistant',
              user: `user-${(n * 8 + i) % 100}`,
              messages: [{ role: 'user', content: `How do I reset password number ${n * 8 + i}?` }],
              metadata: { product: 'Acme Cloud' },
            })
            .catch(() => undefined),
        ),
      );
    }
    const final = await status();
    expect(final.phase, JSON.stringify(final)).toBe('rolled_back');
    expect(final.halt_reason).toContain('prometheus:mesh_errors');
    const mesh_ = final.monitors.find((m) => m.name === 'prometheus:mesh_errors');
    expect(mesh_?.status).toBe('fail');
    expect(mesh_?.interval?.[0]).toBeGreaterThan(0.05);
    expect(final.monitors.find((m) => m.name === 'error_rate')?.status).not.toBe('fail');
  }, 90_000);
});
