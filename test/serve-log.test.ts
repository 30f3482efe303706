import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../src/config/load-config.js';
import { createServerLog } from '../src/app/server/server-log.js';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';
import { spawnServe } from './support/serve-process.js';
import { spawnTracked } from './support/tracked-child.js';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', 'bin', 'sluice.js');

interface Line {
  level: number;
  msg: string;
  event?: string;
  route?: string;
  arm?: string;
  status?: number;
  from_weight?: number;
  to_weight?: number;
  verdict?: string;
  actor?: string;
}

let server: RunningServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  server = undefined;
  store = undefined;
});

/** A log stream that keeps its lines, parsed. */
function capture(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Line);
      done();
    },
  });
  return { stream, lines };
}

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

describe("serve's log", () => {
  it('writes one JSON line per gate, rollout event and rollback, and per request only when asked', async () => {
    const dir = rolloutProject();
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);
    const { stream, lines } = capture();
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
      log: createServerLog({ stream }),
      logRequests: true,
    });
    // decisions made by another process on the same store are logged as they go on record
    releaseFor(dir, 'helpful-v3', v1);
    const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v2);
    const rolled = await cli('roll', v2);
    expect(rolled.code, rolled.stderr).toBe(0);
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'support-assistant',
        user: 'u1',
        messages: [{ role: 'user', content: 'How do I reset my password?' }],
        metadata: { product: 'Acme Cloud' },
      }),
    });
    expect(res.status).toBe(200);
    await res.text();
    expect((await cli('rollback', '--reason', 'checking the log')).code).toBe(0);
    await until(() => lines.some((l) => l.event === 'rollback') && lines.some((l) => l.event === 'request'));

    const events = lines.map((l) => l.event);
    expect(events).toContain('register');
    const gate = lines.find((l) => l.event === 'gate')!;
    expect(gate.msg).toMatch(new RegExp(`^gate pass: ${v2.slice(7, 19)}\\b.*\\(by tester\\)$`));
    expect(lines.find((l) => l.event === 'rollout-start')!.route).toBe('support-assistant');
    const step = lines.find((l) => l.event === 'step')!;
    expect(step).toMatchObject({ from_weight: 0, to_weight: 5, actor: 'controller' });
    expect(step.msg).toMatch(/^rollout step on support-assistant 0% → 5%: [0-9a-f]{12}\b.*\(by controller\)$/);
    expect(lines.find((l) => l.event === 'rollback')!.msg).toMatch(
      /^rollback on support-assistant: [0-9a-f]{12} \(by tester\)$/,
    );
    expect(lines.filter((l) => l.event === 'rollback')).toHaveLength(1);
    const request = lines.find((l) => l.event === 'request')!;
    expect(request).toMatchObject({ route: 'support-assistant', status: 200, level: 30 });
    expect(['stable', 'canary']).toContain(request.arm);
    // a request's content never goes to the log
    expect(JSON.stringify(lines)).not.toContain('reset my password');
  }, 60_000);

  it('logs JSON lines on stdout from the real command (stderr with --json), without a request log unless asked', async () => {
    const dir = rolloutProject();
    const proc = spawnTracked(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: dir,
      env: { ...process.env, SLUICE_DB: STORE_FACTORIES[0]!.freshUrl(), SLUICE_ACTOR: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    await until(() => /"url":"([^"]+)"/.test(stdout));
    const base = /"url":"([^"]+)"/.exec(stdout)![1]!;
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'nowhere', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(404);
    await res.text();
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const out = stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
    expect(out[0]).toMatchObject({ event: 'listening', level: 30 });
    expect(out[0]!.msg).toMatch(/^sluice serving on http:\/\/127\.0\.0\.1:\d+/);
    expect(out.map((l) => l.event)).toEqual(['listening', 'stopping', 'stopped']);

    // --json: stdout is the one document {url, port}; the log goes to stderr
    const json = await spawnServe(dir, { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() });
    expect(await json.stop('SIGTERM')).toBe(0);
    expect(json.stderr()).toMatch(/"event":"listening"/);
  }, 30_000);
});
