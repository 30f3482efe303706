import { afterEach, describe, expect, it } from 'vitest';
import { newToken } from '../src/app/api/tokens.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';

let server: RunningServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
});

describe('control API', () => {
  it('drives a rollout over HTTP, guarded by role tokens once any exists', async () => {
    const dir = rolloutProject();
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);
    releaseFor(dir, 'helpful-v3', v1);
    const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v2);
    store = await openStore(url, dir);
    server = await startServer({
      store,
      config: loadProjectConfig(dir).value,
      projectDir: dir,
      env: {},
      port: 0,
      tickMs: 100,
      pollMs: 100,
      simTimeScale: 0,
    });
    const api = (path: string, init: RequestInit = {}, token?: string) =>
      fetch(`${server!.url}/api/v1${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });

    // No token exists yet: the API is open (local use).
    const rolled = await api(`/releases/${v2.slice(7, 19)}/roll`, { method: 'POST', body: '{"actor": "ana"}' });
    expect(rolled.status).toBe(200);
    expect(await rolled.json()).toMatchObject({ route: 'support-assistant', candidate: v2 });

    const viewer = newToken();
    const operator = newToken();
    await store.putToken({ hash: viewer.hash, name: 'dashboard', role: 'viewer' });
    await store.putToken({ hash: operator.hash, name: 'oncall-bo', role: 'operator' });

    expect((await api('/routes/support-assistant/status')).status).toBe(401);
    const status = await api('/routes/support-assistant/status', {}, viewer.token);
    expect(status.status).toBe(200);
    const body = (await status.json()) as { phase: string; step_progress: { min_requests: number } | null };
    expect(body).toMatchObject({ phase: expect.stringMatching(/idle|progressing/) });
    // the dashboard reads the same status as `sluice status --json`: the step's progress against what it needs
    if (body.phase === 'progressing') expect(body.step_progress?.min_requests).toBeGreaterThan(0);
    const denied = await api(
      '/routes/support-assistant/rollback',
      { method: 'POST', body: '{"reason": "x"}' },
      viewer.token,
    );
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await api('/routes/support-assistant/promote', { method: 'POST' }, operator.token)).status).toBe(403);

    const rb = await api(
      '/routes/support-assistant/rollback',
      { method: 'POST', body: '{"reason": "pager: refund answers wrong"}' },
      operator.token,
    );
    expect(rb.status).toBe(200);
    expect(await rb.json()).toMatchObject({ phase: 'rolled_back', stable: v1 });
    const receipts = (await cli('audit', 'log', '--kind', 'rollback', '--json')).json<
      { actor: string; predicate: { why: string[] } }[]
    >();
    expect(receipts.at(-1)).toMatchObject({ actor: 'oncall-bo' });
    expect(receipts.at(-1)!.predicate.why.join()).toContain('refund answers wrong');

    expect((await api('/routes/support-assistant/frobnicate', { method: 'POST' }, operator.token)).status).toBe(404);
    expect(
      (await api('/routes/support-assistant/pause', { method: 'POST', body: 'not json' }, operator.token)).status,
    ).toBe(400);
  });

  it('starts and stops a shadow over HTTP, each with a signed receipt, guarded like the other changes', async () => {
    const dir = rolloutProject();
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);
    releaseFor(dir, 'helpful-v3', v1);
    const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    store = await openStore(url, dir);
    server = await startServer({
      store,
      config: loadProjectConfig(dir).value,
      projectDir: dir,
      env: {},
      port: 0,
      tickMs: 100,
      pollMs: 100,
      simTimeScale: 0,
    });
    const api = (path: string, init: RequestInit = {}, token?: string) =>
      fetch(`${server!.url}/api/v1${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    const viewer = newToken();
    const operator = newToken();
    const approver = newToken();
    await store.putToken({ hash: viewer.hash, name: 'dashboard', role: 'viewer' });
    await store.putToken({ hash: operator.hash, name: 'oncall-bo', role: 'operator' });
    await store.putToken({ hash: approver.hash, name: 'lead-ana', role: 'approver' });
    const start = (token?: string, body = '{"percent": 25}') =>
      api(`/releases/${v2.slice(7, 19)}/shadow`, { method: 'POST', body }, token);

    expect((await start()).status).toBe(401);
    const denied = await start(operator.token);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await start(approver.token, '{"percent": 150}')).status).toBe(400);
    expect((await api(`/releases/${v1.slice(7, 19)}/shadow`, { method: 'POST' }, approver.token)).status).toBe(409);

    const started = await start(approver.token);
    expect(started.status).toBe(200);
    expect(await started.json()).toEqual({ route: 'support-assistant', stable: v1, shadow: v2, percent: 25 });
    const shown = await api('/routes/support-assistant/shadow', {}, viewer.token);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({ shadow: v2, percent: 25 });
    expect((await api('/routes/support-assistant/shadow/stop', { method: 'POST' }, viewer.token)).status).toBe(403);
    const stopped = await api('/routes/support-assistant/shadow/stop', { method: 'POST', body: '{}' }, operator.token);
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toEqual({
      route: 'support-assistant',
      stable: v1,
      shadow: null,
      percent: null,
      stopped: v2,
    });

    type Receipt = { kind: string; subject: string; actor: string; predicate: { route: string; what: object } };
    const receipts = (await cli('audit', 'log', '--json')).json<Receipt[]>().filter((r) => r.kind.startsWith('shadow'));
    expect(receipts).toMatchObject([
      {
        kind: 'shadow-start',
        subject: v2,
        actor: 'lead-ana',
        predicate: { route: 'support-assistant', what: { percent: 25, stable: v1 } },
      },
      { kind: 'shadow-stop', subject: v2, actor: 'oncall-bo', predicate: { what: { percent: 25 } } },
    ]);
    const verified = await cli('audit', 'verify', '--json');
    expect(verified.code).toBe(0);
  });
});
