import { spawnSync } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { freshSqliteUrl } from '../src/store/test-support/store-factories.js';
import { runCli, starterProject } from './support/cli.js';
import { spawnServe } from './support/serve-process.js';
import { spawnTracked } from './support/tracked-child.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'sluice.js');

/** Starts `sluice serve`, asks it once, then sends `signal`; resolves with its exit code and output. */
async function serveThenStop(
  env: NodeJS.ProcessEnv,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; answered: number; traces: number }> {
  const dir = starterProject();
  const id = (await runCli(['register', 'release.yaml', '--json'], { cwd: dir, env })).json<{ id: string }>().id;
  await runCli(['roll', id], { cwd: dir, env });
  const serve = await spawnServe(dir, env);
  const res = await fetch(`${serve.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'support-assistant',
      messages: [{ role: 'user', content: 'How do I reset my password?' }],
      metadata: { product: 'Acme Cloud' },
    }),
  });
  await res.text();
  const code = await serve.stop(signal);
  // A graceful stop writes every trace before the process ends.
  const store = await openStore(env.SLUICE_DB!, dir);
  const traces = (await store.listTraces()).length;
  await store.close();
  if (code !== 0) throw new Error(`serve exited ${code}: ${serve.stderr()}`);
  return { code, answered: res.status, traces };
}

describe('sluice serve on its serving thread', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`serves, then stops cleanly on ${signal}`, async () => {
      const r = await serveThenStop({ SLUICE_DB: freshSqliteUrl(), SLUICE_ACTOR: 'ci' }, signal);
      expect(r.answered).toBe(200);
      expect(r.code).toBe(0);
      expect(r.traces).toBe(1);
    });
  }

  it('serves and stops the same on the main thread when the serving thread is turned off', async () => {
    const r = await serveThenStop(
      { SLUICE_DB: freshSqliteUrl(), SLUICE_ACTOR: 'ci', SLUICE_SERVE_THREAD: 'off' },
      'SIGTERM',
    );
    expect(r.answered).toBe(200);
    expect(r.code).toBe(0);
    expect(r.traces).toBe(1);
  });

  it('stops at once on a second signal while start-up hangs on a store that does not answer', async () => {
    // A PostgreSQL address that accepts connections and never answers: start-up waits on it.
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const connected = new Promise<void>((r) => silent.once('connection', () => r()));
    const port = (silent.address() as { port: number }).port;
    const proc = spawnTracked(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: starterProject(),
      env: { ...process.env, SLUICE_DB: `postgres://sluice@127.0.0.1:${port}/sluice` },
    });
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    await connected;
    proc.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    proc.kill('SIGINT');
    const code = await exited;
    for (const s of sockets) s.destroy();
    silent.close();
    // 130 is SIGINT's: the store's own 5 s connect timeout (exit 2) was not waited for.
    expect(code).toBe(130);
    expect(stderr).toContain('SIGINT again: stopping now');
  });

  it('exits 2 with the message when its arguments are bad', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '99999'], {
      cwd: starterProject(),
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--port must be 0..65535');
  });
});
