import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { z } from 'zod';

/**
 * A real Prometheus server for tests: Debian's `prometheus` binary, started
 * on a free loopback port with a temporary config that scrapes a loopback
 * metrics target every second. Skipped where the binary is missing, unless
 * SLUICE_REQUIRE_PROMETHEUS=1 or CI=true, where a missing binary fails the run.
 */

export const PROMETHEUS_REQUIRED = process.env.SLUICE_REQUIRE_PROMETHEUS === '1' || process.env.CI === 'true';

function findBinary(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  return null;
}

export const PROMETHEUS_BINARY = findBinary('prometheus');
export const PROMTOOL_BINARY = findBinary('promtool');

if (!PROMETHEUS_BINARY && PROMETHEUS_REQUIRED) {
  throw new Error('Prometheus is required (SLUICE_REQUIRE_PROMETHEUS=1 or CI) but no prometheus binary is on PATH');
}
if (!PROMETHEUS_BINARY) console.warn('[sluice tests] no prometheus binary: the Prometheus tests are SKIPPED');

/** A loopback HTTP server exposing gauges in the Prometheus text format; values can change while it runs. */
export class MetricsTarget {
  private readonly values = new Map<string, number>();
  private server: Server | undefined;
  port = 0;

  set(name: string, labels: Record<string, string>, value: number): void {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    this.values.set(`${name}{${l}}`, value);
  }

  async listen(): Promise<number> {
    this.server = createServer((_req, res) => {
      const names = new Set([...this.values.keys()].map((k) => k.slice(0, k.indexOf('{'))));
      const lines: string[] = [];
      for (const n of names) {
        lines.push(`# TYPE ${n} gauge`);
        for (const [k, v] of this.values) if (k.startsWith(`${n}{`)) lines.push(`${k} ${v}`);
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`${lines.join('\n')}\n`);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A loopback port nothing listens on at the moment of asking. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface RunningPrometheus {
  readonly url: string;
  /** Waits until `query` returns at least one series (the target has been scraped). */
  waitFor(query: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startPrometheus(targetPort: number): Promise<RunningPrometheus> {
  if (!PROMETHEUS_BINARY) throw new Error('no prometheus binary');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: target',
      `    static_configs: [{ targets: ["127.0.0.1:${targetPort}"] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const poll = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
      if (await check().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`prometheus: ${what} within ${timeoutMs} ms; stderr: ${stderr}`);
  };
  try {
    await poll('not ready', async () => (await fetch(`${url}/-/ready`)).ok, 30_000);
  } catch (e) {
    await close();
    throw e;
  }
  return {
    url,
    waitFor: (query, timeoutMs = 30_000) =>
      poll(
        `no series for ${query}`,
        async () => {
          const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
          const body = z.object({ data: z.object({ result: z.array(z.unknown()) }) }).safeParse(await res.json());
          return body.success && body.data.data.result.length > 0;
        },
        timeoutMs,
      ),
    close,
  };
}
