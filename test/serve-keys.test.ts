import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { rolloutProject } from './support/rollout-project.js';
import { spawnServe, type ServeProcess } from './support/serve-process.js';

/** `sluice serve --host 0.0.0.0` requires gateway keys by default; the server is called through 127.0.0.1. */
describe('serve on 0.0.0.0 with gateway keys', () => {
  let serve: ServeProcess | undefined;
  afterAll(async () => {
    await serve?.stop();
  });

  it('refuses /v1 without a key, serves with one, keeps GET /, /healthz and /readyz open', async () => {
    const dir = rolloutProject();
    const cli = (...a: string[]) => runCli(a, { cwd: dir });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    expect((await cli('gate', v1)).code).toBe(0);
    expect((await cli('roll', v1)).code).toBe(0);
    const created = await cli('key', 'create', '--name', 'app-frontend', '--rpm', '600', '--json');
    expect(created.code).toBe(0);
    const { key } = created.json<{ key: string }>();
    expect(key).toMatch(/^sk-sluice-/);
    expect((await cli('key', 'create', '--name', 'app-frontend')).code).toBe(1);
    expect((await cli('key', 'create', '--name', 'x', '--rpm', 'lots')).code).toBe(2);
    expect((await cli('key', 'list', '--json')).json<{ name: string }[]>().map((k) => k.name)).toEqual([
      'app-frontend',
    ]);

    // Beyond loopback, serve starts only once the control API has a token.
    expect((await cli('token', 'create', '--role', 'operator', '--name', 'oncall')).code).toBe(0);
    serve = await spawnServe(dir, {}, ['--host', '0.0.0.0']);
    const port = new URL(serve.url).port;
    const base = `http://127.0.0.1:${port}`;
    const ask = (apiKey: string) =>
      new OpenAI({ baseURL: `${base}/v1`, apiKey, maxRetries: 0 }).chat.completions
        .create({
          model: 'support-assistant',
          messages: [{ role: 'user', content: 'How do I reset my password?' }],
          metadata: { product: 'Acme Cloud' },
        })
        .withResponse();

    await expect(ask('sk-anything')).rejects.toMatchObject({ status: 401 });
    const anonymous = await fetch(`${base}/v1/models`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');

    const { data, response } = await ask(key);
    expect(data.choices[0]?.message.content).toBeTruthy();
    expect(response.headers.get('x-sluice-release')).toBe(v1);
    expect(response.headers.get('x-sluice-arm')).toBe('stable');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);

    const about = await fetch(`${base}/`);
    expect(about.status).toBe(200);
    expect(await about.json()).toMatchObject({ name: 'sluice', auth: 'required' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, routes: 1 });

    // A revoked key stops working within the key table's refresh.
    expect((await cli('key', 'revoke', 'app-frontend')).code).toBe(0);
    const deadline = Date.now() + 5000;
    let status = 200;
    while (Date.now() < deadline && status !== 401) {
      status = (await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status;
      if (status !== 401) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(401);
  }, 60_000);
});
