import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { PROMETHEUS_REQUIRED, PROMTOOL_BINARY } from '../src/rollout/prometheus/test-support/prometheus-server.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { rolloutProject } from './support/rollout-project.js';

/** deploy/grafana and deploy/prometheus use only series a running Sluice exposes on /metrics. */

const deploy = join(import.meta.dirname, '..', 'deploy');
const alertsFile = join(deploy, 'prometheus', 'alerts.yml');
const dashboardFile = join(deploy, 'grafana', 'sluice-dashboard.json');

const alertsSchema = z.object({
  groups: z.array(
    z.object({
      name: z.string(),
      rules: z.array(z.object({ alert: z.string(), expr: z.string() }).loose()).min(1),
    }),
  ),
});
const dashboardSchema = z
  .object({
    uid: z.string(),
    title: z.string(),
    panels: z.array(
      z.object({ title: z.string(), targets: z.array(z.object({ expr: z.string() }).loose()).min(1) }).loose(),
    ),
    templating: z.object({ list: z.array(z.object({ name: z.string() }).loose()) }),
  })
  .loose();

const alertExprs = alertsSchema
  .parse(parse(readFileSync(alertsFile, 'utf8')))
  .groups.flatMap((g) => g.rules.map((r) => r.expr));
const dashboard = dashboardSchema.parse(JSON.parse(readFileSync(dashboardFile, 'utf8')));
const dashboardExprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

/** The metric names a PromQL expression reads (Sluice's, the process's and Node's). */
const namesIn = (expr: string): string[] =>
  [...expr.matchAll(/\b((?:sluice|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);

let server: RunningServer | undefined;
let store: Store | undefined;
let dir: string | undefined;
let exposed = new Set<string>();

beforeAll(async () => {
  dir = rolloutProject();
  const url = STORE_FACTORIES[0]!.freshUrl();
  const cli = (...a: string[]) => runCli(a, { cwd: dir!, env: { SLUICE_DB: url } });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  await cli('gate', v1);
  await cli('roll', v1);
  store = await openStore(url, dir);
  server = await startServer({
    store,
    config: loadProjectConfig(dir).value,
    projectDir: dir,
    env: {},
    port: 0,
    simTimeScale: 0,
  });
  const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  await client.chat.completions.create({
    model: 'support-assistant',
    messages: [{ role: 'user', content: 'How do I reset my password?' }],
    metadata: { product: 'Acme Cloud' },
  });
  const text = await (await fetch(`${server.url}/metrics`)).text();
  exposed = new Set(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
      type === 'histogram'
        ? [name!, `${name}_bucket`, `${name}_sum`, `${name}_count`]
        : type === 'summary'
          ? [name!, `${name}_sum`, `${name}_count`]
          : [name!],
    ),
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the Grafana dashboard and the Prometheus alerts', () => {
  it('use only metric names a live /metrics exposes', () => {
    const used = new Set([...alertExprs, ...dashboardExprs].flatMap(namesIn));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((n) => !exposed.has(n))).toEqual([]);
    // Every expression reads at least one of them (none names a series Sluice never had).
    for (const e of [...alertExprs, ...dashboardExprs]) expect(namesIn(e).length, e).toBeGreaterThan(0);
  });

  it('cover the gateway, the rollout, the observer, notifications and the process', () => {
    const used = new Set(dashboardExprs.flatMap(namesIn));
    for (const n of [
      'sluice_gateway_requests_total',
      'sluice_gateway_request_duration_seconds_bucket',
      'sluice_gateway_rollout_weight',
      'sluice_observe_window_quality',
      'sluice_notifications_failed_total',
      'process_resident_memory_bytes',
    ])
      expect(used.has(n), n).toBe(true);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'route']);
  });

  it.skipIf(!PROMTOOL_BINARY && !PROMETHEUS_REQUIRED)('pass promtool check rules', () => {
    const r = spawnSync(PROMTOOL_BINARY ?? 'promtool', ['check', 'rules', alertsFile], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});
