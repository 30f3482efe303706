import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusSchema } from '../../config/prometheus-schema.js';
import { shortId } from '../../release/release-id.js';
import { reconcile } from '../core/reconcile.js';
import { initialStatus } from '../core/rollout-state.js';
import { arm, CANDIDATE, makeSpec, STABLE, T0 } from '../core/test-support/fixtures.js';
import { PrometheusClient } from './prometheus-client.js';
import { PrometheusSource } from './prometheus-source.js';
import { fillQuery } from './query-template.js';
import {
  freePort,
  MetricsTarget,
  PROMETHEUS_BINARY,
  startPrometheus,
  type RunningPrometheus,
} from './test-support/prometheus-server.js';

const config = (url: string, extra: Record<string, unknown> = {}) => prometheusSchema.parse({ url, ...extra });

const monitors = {
  mesh_errors: {
    kind: 'error_rate',
    errors: 'max_over_time(mesh_errors{version="{{release_short}}"}[{{window}}])',
    requests: 'max_over_time(mesh_requests{version="{{release_short}}"}[{{window}}])',
    max: 0.02,
  },
  mesh_p95: { kind: 'ratio', query: 'max(mesh_p95_seconds{arm="{{arm}}"})', max: 1.2 },
};

describe('query templates', () => {
  it('fill the release, its short id, the arm, the route and the step as a PromQL duration', () => {
    const q = fillQuery('x{v="{{release_short}}",id="{{ release }}",a="{{arm}}",r="{{route}}"}[{{window}}]', {
      release: CANDIDATE,
      arm: 'canary',
      route: 'legal',
      windowSeconds: 61.2,
    });
    expect(q).toBe(`x{v="${shortId(CANDIDATE)}",id="${CANDIDATE}",a="canary",r="legal"}[62s]`);
  });
});

describe.skipIf(!PROMETHEUS_BINARY)('a real Prometheus server', () => {
  const target = new MetricsTarget();
  let prom: RunningPrometheus;

  beforeAll(async () => {
    target.set('mesh_requests', { version: shortId(CANDIDATE) }, 1000);
    target.set('mesh_errors', { version: shortId(CANDIDATE) }, 150);
    target.set('mesh_requests', { version: shortId(STABLE) }, 5000);
    target.set('mesh_errors', { version: shortId(STABLE) }, 5);
    target.set('mesh_p95_seconds', { arm: 'canary' }, 0.9);
    target.set('mesh_p95_seconds', { arm: 'stable' }, 0.3);
    prom = await startPrometheus(await target.listen());
    await prom.waitFor('mesh_p95_seconds');
  }, 60_000);

  afterAll(async () => {
    await prom?.close();
    await target.close();
  });

  it('answers one number for a query', async () => {
    const client = new PrometheusClient(config(prom.url), {});
    const r = await client.number(`max(mesh_requests{version="${shortId(STABLE)}"})`, Date.now());
    expect(r).toEqual({ ok: true, value: 5000 });
  });

  it("feeds the controller: the mesh's error counts roll back a canary Sluice's own traffic finds healthy", async () => {
    const spec = makeSpec({ steps: [50, 100], dwell_seconds: 60, min_requests: 100, monitors }, false);
    const source = new PrometheusSource(config(prom.url), {});
    let status = reconcile(spec, initialStatus(spec), { now: T0, canaryRequestsTotal: 0 }).status;
    // The step began 30 s ago on the real clock: Prometheus holds samples for now, not for a virtual date.
    const now = Date.now();
    status = { ...status, stepStartedAt: now - 30_000 };
    const external = await source.read(spec, status, now);
    expect(external).toEqual([
      { name: 'mesh_errors', ok: true, canary: { errors: 150, requests: 1000 }, stable: { errors: 5, requests: 5000 } },
      { name: 'mesh_p95', ok: true, canary: { value: 0.9 }, stable: { value: 0.3 } },
    ]);
    const windows = {
      from: now - 30_000,
      to: now,
      weight: 50,
      canary: arm({ count: 200 }),
      stable: arm({ count: 200 }, 2),
    };
    const r = reconcile(spec, status, { now, canaryRequestsTotal: 200, windows, external });
    expect(r.phase).toBe('rolled_back');
    const breach = r.decisions.find((d) => d.kind === 'halt');
    expect(JSON.stringify(breach?.what)).toContain('prometheus:mesh_errors');
    const own = r.status.lastMonitors!.results.find((m) => m.name === 'error_rate');
    expect(own?.status).not.toBe('fail');
  });

  it('makes a monitor inconclusive when Prometheus answers an error (bad PromQL)', async () => {
    const spec = makeSpec(
      { monitors: { broken: { kind: 'ratio', query: 'sum(mesh_p95_seconds{arm="{{arm}}"}', max: 1.2 } } },
      false,
    );
    const now = Date.now();
    const status = { ...initialStatus(spec), startedAt: now - 10_000, stepStartedAt: now - 10_000 };
    const [reading] = await new PrometheusSource(config(prom.url), {}).read(spec, status, now);
    expect(reading?.ok).toBe(false);
    expect(reading && !reading.ok && reading.error).toMatch(/HTTP 400, bad_data/);
  });

  it('refuses a query that returns several series, or none', async () => {
    const client = new PrometheusClient(config(prom.url), {});
    const several = await client.number('mesh_p95_seconds', Date.now());
    expect(several.ok).toBe(false);
    expect(!several.ok && several.error.message).toMatch(/2 series .*aggregate it to one/);
    const none = await client.number('mesh_p95_seconds{arm="nobody"}', Date.now());
    expect(!none.ok && none.error.message).toMatch(/no series/);
  });
});

describe('a Prometheus that cannot be used', () => {
  it('is unavailable when nothing listens, without throwing', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await new PrometheusClient(config(url), {}).number('up', Date.now());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toContain('cannot be reached');
  });

  describe('credentials', () => {
    let server: Server;
    let url: string;
    const seen: (string | undefined)[] = [];
    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '7'] } }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('sends a bearer token or basic auth read from the environment variables the config names', async () => {
      const bearer = new PrometheusClient(config(url, { bearer_token_env: 'PROM_TOKEN' }), { PROM_TOKEN: 's3cret' });
      expect(await bearer.number('vector(7)', Date.now())).toEqual({ ok: true, value: 7 });
      const basic = new PrometheusClient(config(url, { basic_auth: { username_env: 'PU', password_env: 'PP' } }), {
        PU: 'sluice',
        PP: 'pw',
      });
      await basic.number('vector(7)', Date.now());
      expect(seen.slice(-2)).toEqual(['Bearer s3cret', `Basic ${Buffer.from('sluice:pw').toString('base64')}`]);
    });

    it('sends nothing and is unavailable when a named variable is unset', async () => {
      const before = seen.length;
      const r = await new PrometheusClient(config(url, { bearer_token_env: 'PROM_TOKEN' }), {}).number(
        'up',
        Date.now(),
      );
      expect(!r.ok && r.error.message).toContain('PROM_TOKEN');
      expect(seen.length).toBe(before);
    });
  });

  it('refuses credentials written into the URL', () => {
    const r = prometheusSchema.safeParse({ url: 'http://admin:pw@127.0.0.1:9090' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('credentials do not go in the URL');
  });
});

describe('reading a step', () => {
  it('reuses a reading for interval_seconds and reads afresh after it or in a new step', async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, String(calls)] } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const source = new PrometheusSource(config(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), {});
      const spec = makeSpec(
        { interval_seconds: 10, monitors: { p95: { kind: 'ratio', query: 'vector(1)', max: 2 } } },
        false,
      );
      const status = { ...initialStatus(spec), startedAt: T0, stepStartedAt: T0 };
      const first = await source.read(spec, status, T0 + 1000);
      expect(calls).toBe(2); // one query per arm
      expect(await source.read(spec, status, T0 + 9000)).toBe(first);
      expect(calls).toBe(2);
      await source.read(spec, status, T0 + 11_000);
      expect(calls).toBe(4);
      await source.read(spec, { ...status, stepIndex: 1, stepStartedAt: T0 + 11_500 }, T0 + 12_000);
      expect(calls).toBe(6);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
