import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { userInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { SluiceError } from '../src/kernel/errors.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';

let server: RunningServer | undefined;
let store: Store | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  await store?.close();
  store = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A route with a stable release and a gated candidate, and the store it lives in. */
async function candidateProject() {
  const dir = rolloutProject();
  dirs.push(dir);
  const url = STORE_FACTORIES[0]!.freshUrl();
  const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  await cli('gate', v1);
  await cli('roll', v1);
  releaseFor(dir, 'helpful-v3', v1);
  const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  await cli('gate', v2);
  store = await openStore(url, dir);
  return { dir, url, cli, v1, v2 };
}

function serve(dir: string, host = '127.0.0.1') {
  return startServer({
    store: store!,
    config: loadProjectConfig(dir).value,
    projectDir: dir,
    env: {},
    port: 0,
    host,
    tickMs: 100,
    pollMs: 100,
    simTimeScale: 0,
  });
}

/** One raw HTTP request (the headers exactly as given, Host and Origin included). */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type Receipt = { kind: string; actor: string; predicate: { actor: string } };

describe('the control plane', () => {
  it('refuses to start beyond loopback while no control token exists, and then refuses changes without one', async () => {
    const { dir, url, cli } = await candidateProject();
    const refused = await serve(dir, '0.0.0.0').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(SluiceError);
    expect((refused as SluiceError).code).toBe('bad_usage');
    expect((refused as SluiceError).message).toMatch(/refusing to serve on 0\.0\.0\.0.*no control token exists/);

    const viaCli = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], {
      cwd: dir,
      env: { SLUICE_DB: url },
    });
    expect(viaCli.code).toBe(2);
    expect(viaCli.stderr).toContain('sluice token create --role operator');

    expect((await cli('token', 'create', '--role', 'operator', '--name', 'oncall')).code).toBe(0);
    server = await serve(dir, '0.0.0.0');
    const anonymous = await raw(
      server.port,
      'POST',
      '/api/v1/routes/support-assistant/pause',
      { 'content-type': 'application/json' },
      '{}',
    );
    expect(anonymous.status).toBe(401);

    // The token table emptied behind the running server's back: changes stay closed.
    const db = new Database(url.slice('sqlite:'.length));
    db.prepare('DELETE FROM api_tokens').run();
    db.close();
    const emptied = await raw(
      server.port,
      'POST',
      '/api/v1/routes/support-assistant/pause',
      { 'content-type': 'application/json' },
      '{}',
    );
    expect(emptied.status).toBe(401);
    expect(emptied.body).toContain('this server listens beyond loopback and no control token exists');
  });

  it('answers 415 to a change that is not JSON, 403 to another origin, 400 to a malformed path', async () => {
    const { dir, v2 } = await candidateProject();
    server = await serve(dir);
    const port = server.port;
    const own = `http://127.0.0.1:${port}`;
    const roll = `/api/v1/releases/${v2.slice(7, 19)}/roll`;
    const status = async () =>
      JSON.parse((await raw(port, 'GET', '/api/v1/routes/support-assistant/status', {})).body) as {
        candidate: string | null;
      };

    // What a page in an operator's browser can send without a CORS preflight.
    const form = await raw(port, 'POST', roll, { 'content-type': 'text/plain' }, '{}');
    expect(form.status).toBe(415);
    expect(JSON.parse(form.body)).toMatchObject({ error: { code: 'unsupported_media_type' } });
    expect((await raw(port, 'POST', roll, {}, '')).status).toBe(415);
    const crossOrigin = await raw(
      port,
      'POST',
      roll,
      { 'content-type': 'application/json', origin: 'https://evil.example' },
      '{}',
    );
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.body).toContain('cross-origin request refused');
    // DNS rebinding: a public name that resolves to 127.0.0.1 is not this server's name.
    const rebound = await raw(
      port,
      'POST',
      roll,
      { 'content-type': 'application/json', host: `evil.example:${port}`, origin: `http://evil.example:${port}` },
      '{}',
    );
    expect(rebound.status).toBe(403);
    expect((await status()).candidate).toBeNull();

    const malformed = await raw(port, 'GET', '/api/v1/routes/%zz/status', {});
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ error: { code: 'bad_input' } });
    expect((await raw(port, 'GET', '/api/v1/analysis/%zz', {})).status).toBe(400);
    expect(
      (await raw(port, 'POST', '/api/v1/releases/%E0%A4%A/roll', { 'content-type': 'application/json' }, '{}')).status,
    ).toBe(400);

    const sameOrigin = await raw(port, 'POST', roll, { 'content-type': 'application/json', origin: own }, '{}');
    expect(sameOrigin.status).toBe(200);
    expect((await status()).candidate).toBe(v2);
  });

  it('never takes the actor from the request body', async () => {
    const { dir, cli, v2 } = await candidateProject();
    server = await serve(dir);
    const before = (await cli('audit', 'log', '--json')).json<Receipt[]>().length;
    const rolled = await raw(
      server.port,
      'POST',
      `/api/v1/releases/${v2.slice(7, 19)}/roll`,
      { 'content-type': 'application/json' },
      '{"actor": "admin@example.com"}',
    );
    expect(rolled.status).toBe(200);
    const receipts = (await cli('audit', 'log', '--json')).json<Receipt[]>();
    const signedBy = new Set(receipts.slice(before).map((r) => r.predicate.actor));
    expect(signedBy).toContain(`unauthenticated:${userInfo().username}`);
    expect(signedBy).not.toContain('admin@example.com');
    // Everything else in the roll's receipts is the controller's own doing.
    signedBy.delete('controller');
    expect([...signedBy]).toEqual([`unauthenticated:${userInfo().username}`]);

    const token = (await cli('token', 'create', '--role', 'operator', '--name', 'oncall-bo', '--json')).json<{
      token: string;
    }>().token;
    const paused = await raw(
      server.port,
      'POST',
      '/api/v1/routes/support-assistant/pause',
      { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      '{"actor": "admin@example.com", "reason": "looking"}',
    );
    expect(paused.status).toBe(200);
    const after = (await cli('audit', 'log', '--json')).json<Receipt[]>();
    expect(after.length).toBeGreaterThan(receipts.length);
    for (const r of after.slice(receipts.length)) expect(r.predicate.actor).toBe('oncall-bo');
  });
});
