import { rmSync } from 'node:fs';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newToken } from '../src/app/api/tokens.js';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';

let server: RunningServer | undefined;
let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  store = undefined;
  dir = undefined;
});

const analysisSchema = z.object({
  route: z.string(),
  release: z.string(),
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  reasons: z.array(z.string()),
  phase: z.string().nullable(),
  monitors: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      estimate: z.number().nullable(),
      interval: z.tuple([z.number(), z.number()]).nullable(),
    }),
  ),
});
const analysisOf = async (res: Response) => analysisSchema.parse(await res.json());
const errorOf = async (res: Response) =>
  z.object({ error: z.object({ message: z.string() }) }).parse(await res.json()).error.message;

/** v1 stable; `model` registered against it and gated (overridden when asked); a server on the store. */
async function prepare(model: string, override = false, rollFirst = false) {
  dir = rolloutProject();
  const url = STORE_FACTORIES[0]!.freshUrl();
  const cli = (...a: string[]) => runCli(a, { cwd: dir!, env: { SLUICE_DB: url } });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  await cli('gate', v1);
  await cli('roll', v1);
  releaseFor(dir, model, v1);
  const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  await cli('gate', v2, ...(override ? ['--force-gate-override', '--override-reason', 'testing the analysis'] : []));
  if (rollFirst) await cli('roll', v2);
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
  });
  const get = (path: string, token?: string) =>
    fetch(`${server!.url}/api/v1${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  /** A webhook exactly as Flagger sends it (POST, JSON, no custom headers). */
  const flagger = (hook: string, payload: unknown) =>
    fetch(`${server!.url}/api/v1/flagger/${hook}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  return { cli, v1, v2, get, flagger };
}

const canary = (metadata: Record<string, string> = {}) => ({
  name: 'support-assistant',
  namespace: 'prod',
  phase: 'Progressing',
  checksum: '85d557f47b',
  metadata,
});

describe("Argo Rollouts' web metric and Flagger's webhooks", () => {
  it('turn the verdict to fail with the breaching monitor, its estimate and interval, when the canary breaks', async () => {
    const { v2, get, flagger } = await prepare('broken-v4', true, true);
    const early = await analysisOf(await get('/analysis/support-assistant'));
    expect(early).toMatchObject({
      route: 'support-assistant',
      release: v2,
      phase: 'progressing',
      verdict: 'inconclusive',
    });
    expect((await flagger('confirm-promotion', canary())).status).toBe(412);
    expect((await flagger('rollout', canary())).status).toBe(200);

    const client = new OpenAI({ baseURL: `${server!.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const deadline = Date.now() + 30_000;
    let a: z.output<typeof analysisSchema> = early;
    for (let n = 0; Date.now() < deadline && a.verdict !== 'fail'; n++) {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          client.chat.completions
            .create({
              model: 'support-assistant',
              user: `u${(n * 8 + i) % 50}`,
              // The simulated model draws its errors from the conversation: vary it.
              messages: [{ role: 'user', content: `Where is my order number ${n * 8 + i}?` }],
              metadata: { product: 'Acme Cloud' },
            })
            .catch(() => undefined),
        ),
      );
      a = await analysisOf(await get(`/analysis/support-assistant?release=${v2.slice(7, 19)}`));
    }
    expect(a.verdict, JSON.stringify(a)).toBe('fail');
    const err = a.monitors.find((m) => m.name === 'error_rate')!;
    expect(err.status).toBe('fail');
    expect(err.estimate).toBeGreaterThan(0.2);
    expect(err.interval![0]).toBeGreaterThan(0.2);
    expect(err.interval![1]).toBeGreaterThan(err.interval![0]);

    const rollout = await flagger('rollout', canary());
    expect(rollout.status).toBe(412);
    expect(await rollout.json()).toMatchObject({
      proceed: false,
      verdict: 'fail',
      reason: expect.stringContaining('error_rate'),
    });
    expect((await flagger('rollback', canary())).status).toBe(200);
  }, 60_000);

  it('answer pre-rollout by the gate, take the route from metadata.route, and refuse what is not theirs to read', async () => {
    const { cli, v1, v2, get, flagger } = await prepare('helpful-v3');
    // The route's stable with nothing rolling: no evidence yet, so no pass.
    const idle = await analysisOf(await get('/analysis/support-assistant'));
    expect(idle).toMatchObject({ release: v1, verdict: 'inconclusive' });

    const pre = await flagger('pre-rollout', canary({ release: v2 }));
    expect(pre.status).toBe(200);
    releaseFor(dir!, 'noisy-v6', v1);
    const v3 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    const ungated = await flagger('pre-rollout', {
      ...canary({ route: 'support-assistant', release: v3 }),
      name: 'podinfo',
    });
    expect(ungated.status).toBe(412);
    expect(await ungated.json()).toMatchObject({
      route: 'support-assistant',
      proceed: false,
      reason: expect.stringMatching(/no gate result/),
    });

    await cli('roll', v2);
    await cli('rollback', '--reason', 'manual');
    expect((await analysisOf(await get('/analysis/support-assistant'))).verdict).toBe('fail');
    expect((await flagger('rollback', canary())).status).toBe(200);
    expect((await flagger('event', canary({ eventMessage: 'Advance podinfo canary weight 10' }))).status).toBe(200);

    // Bad input: a clear 4xx, never a crash.
    expect((await get('/analysis/no-such-route')).status).toBe(404);
    expect((await get(`/analysis/support-assistant?release=${'f'.repeat(12)}`)).status).toBe(404);
    expect((await flagger('promote', canary())).status).toBe(404);
    const junk = await flagger('rollout', '{"name": 3}');
    expect(junk.status).toBe(400);
    expect(await errorOf(junk)).toMatch(/not a Flagger webhook payload: name/);
    expect((await flagger('rollout', 'not json')).status).toBe(400);

    // Once a token exists, a viewer token is needed: a bearer header, or metadata.token from Flagger.
    const viewer = newToken();
    await store!.putToken({ hash: viewer.hash, name: 'argo', role: 'viewer' });
    expect((await get('/analysis/support-assistant')).status).toBe(401);
    expect((await get('/analysis/support-assistant', viewer.token)).status).toBe(200);
    expect((await flagger('rollback', canary())).status).toBe(401);
    expect((await flagger('rollback', canary({ token: viewer.token }))).status).toBe(200);
    expect((await flagger('rollback', canary({ token: 'slc_wrong' }))).status).toBe(401);
  }, 60_000);
});
