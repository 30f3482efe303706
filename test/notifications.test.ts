import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { clockOf } from '../src/kernel/clock.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';

const servers: Server[] = [];
const held: ServerResponse[] = [];
let server: RunningServer | undefined;
let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  for (const res of held.splice(0)) res.destroy();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A loopback receiver recording each event; `hold` keeps every response open (a target that times out). */
async function receiver(hold: boolean) {
  const events: { event: string; message: string }[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      events.push(
        z.object({ event: z.string(), message: z.string() }).parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))),
      );
      if (hold) held.push(res);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  servers.push(s);
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/`, events };
}

describe('notifications from serve', () => {
  it('a target that times out never delays a rollback; its failure is counted on /metrics', async () => {
    const hanging = await receiver(true);
    const ops = await receiver(false);
    dir = rolloutProject();
    const cfg = join(dir, 'sluice.yaml');
    writeFileSync(
      cfg,
      `${readFileSync(cfg, 'utf8')}notify:\n` +
        `  pager: { kind: webhook, url: "${hanging.url}", timeout_ms: 300, retries: 1 }\n` +
        `  ops: { kind: webhook, url: "${ops.url}", secret_env: OPS_SECRET, events: [rollback, halt, pause] }\n`,
    );
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir!, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);
    releaseFor(dir, 'helpful-v3', v1);
    const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v2);
    await cli('roll', v2);

    // Virtual time from now on (the CLI's roll started the rollout on the system clock).
    let now = Date.now();
    store = await openStore(url, dir);
    server = await startServer({
      store,
      config: loadProjectConfig(dir).value,
      projectDir: dir,
      env: { OPS_SECRET: 's3cret' },
      port: 0,
      tickMs: 100,
      pollMs: 100,
      simTimeScale: 0,
      clock: clockOf(() => now),
    });
    // The CLI's gate results went out before each gate command exited: two gates, each tried twice (retries: 1).
    const gates = hanging.events.filter((e) => e.event === 'gate');
    expect(gates).toHaveLength(4);
    for (const g of gates) expect(g.message).toMatch(/^gate pass: score/);
    // The controller starts the rollout: the pager takes the notification and never answers.
    const started = Date.now();
    const startedRollout = () => hanging.events.some((e) => e.event === 'rollout-start');
    while (!startedRollout() && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(startedRollout()).toBe(true);

    now += 30_000;
    const rolled = await server.service.command('support-assistant', 'rollback', 'oncall', { reason: 'bad answers' });
    // The rollback is done and served while the pager still holds its request open.
    expect(rolled, JSON.stringify(rolled)).toMatchObject({ phase: 'rolled_back', weight: 0 });
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((r) => !r.writableEnded)).toBe(true);

    while (ops.events.length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(ops.events).toEqual([{ event: 'rollback', message: 'rolled back by oncall: bad answers' }]);

    // Each pager delivery times out twice (retries: 1), then counts as failed.
    const failed = async () => {
      const text = await (await fetch(`${server!.url}/metrics`)).text();
      return /sluice_notifications_failed_total\{target="pager",event="rollback",reason="timeout"\} 1/.test(text);
    };
    while (!(await failed()) && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 100));
    expect(await failed()).toBe(true);
  }, 60_000);
});
