import { rmSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newToken } from '../src/app/api/tokens.js';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli, starterProject } from './support/cli.js';

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

interface ListedToken {
  id: string;
  name: string;
  role: string;
  state: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

async function project() {
  const dir = starterProject();
  const url = STORE_FACTORIES[0]!.freshUrl();
  dirs.push(dir, dirname(url.slice('sqlite:'.length)));
  const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
  return { dir, url, cli };
}

async function serve(dir: string, url: string, env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  store = await openStore(url, dir);
  server = await startServer({
    store,
    config: loadProjectConfig(dir).value,
    projectDir: dir,
    env,
    port: 0,
    tickMs: 100,
    pollMs: 100,
    simTimeScale: 0,
  });
  return server;
}

describe('control-API tokens for life', () => {
  it('lists tokens with expiry and last use, stops accepting a revoked or expired one, and never shows a token again', async () => {
    const { dir, url, cli } = await project();
    const created = await cli(
      'token',
      'create',
      '--role',
      'viewer',
      '--name',
      'dashboard',
      '--expires',
      '30d',
      '--json',
    );
    expect(created.code).toBe(0);
    const { token, id, expires_at } = created.json<{ token: string; id: string; expires_at: string }>();
    // The create contract is kept: token, name, role (id and expires_at are added).
    expect(created.json()).toMatchObject({ token: expect.stringMatching(/^slc_/), name: 'dashboard', role: 'viewer' });
    const operator = (await cli('token', 'create', '--role', 'operator', '--name', 'oncall', '--json')).json<{
      token: string;
    }>();

    const before = (await cli('token', 'list', '--json')).json<ListedToken[]>();
    expect(before).toHaveLength(2);
    const dashboard = before.find((t) => t.name === 'dashboard')!;
    expect(dashboard).toMatchObject({ id, role: 'viewer', state: 'active', last_used_at: null, revoked_at: null });
    expect(Date.parse(dashboard.expires_at!) - Date.parse(dashboard.created_at)).toBe(30 * 86_400_000);
    expect(dashboard.expires_at).toBe(expires_at);
    expect(before.find((t) => t.name === 'oncall')).toMatchObject({ expires_at: null, state: 'active' });
    const listedText = (await cli('token', 'list')).stdout;
    expect(listedText).toContain('dashboard');
    expect(listedText).not.toContain(token);
    expect(listedText).not.toContain(operator.token);

    const s = await serve(dir, url);
    const status = (bearer?: string) =>
      fetch(`${s.url}/api/v1/routes/support-assistant/status`, {
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      });
    expect((await status()).status).toBe(401);
    expect((await status(token)).status).not.toBe(401);
    const used = (await cli('token', 'list', '--json')).json<ListedToken[]>().find((t) => t.name === 'dashboard')!;
    expect(used.last_used_at).not.toBeNull();
    expect(Date.parse(used.last_used_at!)).toBeGreaterThanOrEqual(Date.parse(used.created_at));

    // A token past its expiry is refused (written with an expiry in the past).
    const stale = newToken();
    await store!.putToken({
      hash: stale.hash,
      name: 'stale',
      role: 'approver',
      createdAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      expiresAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    expect((await status(stale.token)).status).toBe(401);
    expect((await cli('token', 'list', '--json')).json<ListedToken[]>().find((t) => t.name === 'stale')).toMatchObject({
      state: 'expired',
      last_used_at: null,
    });

    // Revoked by name, the token stops working at once; by id, too.
    const revoked = await cli('token', 'revoke', 'dashboard', '--json');
    expect(revoked.code).toBe(0);
    expect(revoked.json()).toMatchObject({ revoked: 1 });
    expect((await status(token)).status).toBe(401);
    expect((await status(operator.token)).status).not.toBe(401);
    const operatorId = before.find((t) => t.name === 'oncall')!.id;
    expect((await cli('token', 'revoke', operatorId)).code).toBe(0);
    expect((await status(operator.token)).status).toBe(401);
    // With every token revoked or expired the API does not open again.
    expect((await status()).status).toBe(401);
    const states = (await cli('token', 'list', '--json')).json<ListedToken[]>().map((t) => [t.name, t.state]);
    expect(Object.fromEntries(states)).toEqual({ dashboard: 'revoked', oncall: 'revoked', stale: 'expired' });
    const missing = await cli('token', 'revoke', 'dashboard');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no active control-API token named "dashboard"');
    const bad = await cli('token', 'create', '--role', 'viewer', '--expires', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--expires');
  });

  it('guards /metrics with a token when gateway.metrics_token_env names one, and refuses to start when it is unset', async () => {
    const open = await project();
    const plain = await serve(open.dir, open.url);
    expect((await fetch(`${plain.url}/metrics`)).status).toBe(200);
    await server!.close();
    server = undefined;
    await store!.close();
    store = undefined;

    const guarded = await project();
    const cfg = join(guarded.dir, 'sluice.yaml');
    writeFileSync(cfg, withGatewaySetting(readFileSync(cfg, 'utf8'), 'metrics_token_env: SLUICE_METRICS_TOKEN'));
    await expect(serve(guarded.dir, guarded.url, {})).rejects.toThrow(/SLUICE_METRICS_TOKEN, which is not set/);
    await store!.close();
    store = undefined;

    const s = await serve(guarded.dir, guarded.url, { SLUICE_METRICS_TOKEN: 'scrape-secret-1' });
    const metrics = (bearer?: string) =>
      fetch(`${s.url}/metrics`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
    const none = await metrics();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.json()).toMatchObject({ error: { code: 'invalid_api_key' } });
    expect((await metrics('scrape-secret-2')).status).toBe(401);
    expect((await metrics('scrape-secret-1x')).status).toBe(401);
    const ok = await metrics('scrape-secret-1');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE');
    // Health checks stay open.
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});

/** sluice.yaml with one more setting in its gateway section (added when there is none). */
function withGatewaySetting(yaml: string, setting: string): string {
  if (/^gateway:\s*\{/m.test(yaml)) return yaml.replace(/^gateway:\s*\{/m, `gateway: { ${setting},`);
  if (/^gateway:\s*$/m.test(yaml)) return yaml.replace(/^gateway:\s*$/m, `gateway:\n  ${setting}`);
  return `${yaml}gateway:\n  ${setting}\n`;
}
