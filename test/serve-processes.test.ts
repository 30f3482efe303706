import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';
import { spawnServe, type ServeProcess } from './support/serve-process.js';

const POSTGRES = STORE_FACTORIES.find((f) => f.name === 'postgres')!;

/** A project whose route has a stable v1 and a gated candidate (not yet rolled). */
async function project(url: string, model = 'helpful-v3') {
  const dir = rolloutProject();
  const env = { SLUICE_DB: url };
  const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  await cli('gate', v1);
  await cli('roll', v1);
  releaseFor(dir, model, v1);
  const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  expect((await cli('gate', v2)).code).toBe(0);
  return { dir, env, cli, v1, v2 };
}

async function ask(url: string, user: string): Promise<{ release: string | null; arm: string | null }> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const { response } = await client.chat.completions
    .create({
      model: 'support-assistant',
      user,
      messages: [{ role: 'user', content: 'How do I reset my password?' }],
      metadata: { product: 'Acme Cloud' },
    })
    .withResponse();
  return { release: response.headers.get('x-sluice-release'), arm: response.headers.get('x-sluice-arm') };
}

async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function traffic(urls: readonly string[], stop: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end && !(await stop())) {
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => ask(urls[i % urls.length]!, `user-${n++ % 300}`).catch(() => undefined)),
    );
  }
}

describe.skipIf(!POSTGRES.available)('two serve processes on one PostgreSQL', () => {
  it('one controller acts, and a rollback reaches both gateways', async () => {
    const url = POSTGRES.freshUrl();
    const { dir, env, cli, v1, v2 } = await project(url);
    const procs: ServeProcess[] = [];
    try {
      procs.push(await spawnServe(dir, env), await spawnServe(dir, env));
      // The running controller (not the CLI) takes the first step: it holds the lease.
      expect(['idle', 'progressing']).toContain((await cli('roll', v2, '--json')).json<{ phase: string }>().phase);
      const store = await openStore(url, dir);
      const holders = new Set<string>();
      await traffic(
        procs.map((p) => p.url),
        async () => {
          const lease = await store.readLease('sluice:controller');
          if (lease) holders.add(lease.holder);
          return ((await cli('status', '--json')).json<{ weight: number }>().weight ?? 0) >= 25;
        },
        30_000,
      );
      expect(holders.size).toBe(1);
      const log = (await cli('audit', 'log', '--kind', 'step', '--json')).json<unknown[]>();
      expect(log).toHaveLength(2);

      const rolled = await cli('rollback', '--reason', 'customer reports', '--json');
      expect(rolled.code).toBe(0);
      // Every gateway process serves the stable release only, for every user.
      await until(
        async () => {
          const answers = await Promise.all(
            procs.flatMap((p) => Array.from({ length: 20 }, (_, i) => ask(p.url, `user-${i}`))),
          );
          return answers.every((a) => a.release === v1 && a.arm === 'stable');
        },
        10_000,
        'both gateways to serve stable',
      );
      expect((await cli('status', '--json')).json<{ phase: string }>().phase).toBe('rolled_back');
      await store.close();
    } finally {
      for (const p of procs) await p.stop();
    }
  }, 90_000);
});

describe('kill -9 of serve mid-rollout (SQLite)', () => {
  it('resumes from the stored state with no step taken twice and no receipt lost', async () => {
    const url = STORE_FACTORIES[0]!.freshUrl();
    const { dir, env, cli, v2 } = await project(url);
    expect((await cli('roll', v2)).code).toBe(0);
    let serve = await spawnServe(dir, env);
    const weight = async () => (await cli('status', '--json')).json<{ weight: number; phase: string }>();
    await traffic([serve.url], async () => (await weight()).weight >= 25, 30_000);
    await serve.kill();
    const before = (await cli('audit', 'log', '--json')).json<{ kind: string }[]>().length;
    serve = await spawnServe(dir, env);
    try {
      await traffic([serve.url], async () => (await weight()).phase === 'promoted', 40_000);
      expect((await weight()).phase).toBe('promoted');
      const kinds = (await cli('audit', 'log', '--json')).json<{ kind: string }[]>().map((e) => e.kind);
      expect(kinds.length).toBeGreaterThan(before);
      expect(kinds.filter((k) => k === 'step')).toHaveLength(3);
      expect(kinds.filter((k) => k === 'promote')).toHaveLength(1);
      expect((await cli('audit', 'verify', '--json')).json()).toMatchObject({ ok: true });
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  }, 90_000);
});
