import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../src/config/load-config.js';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutOf, rolloutProject } from './support/rollout-project.js';

interface Status {
  phase: string;
  weight: number;
  step: number;
  halt_reason: string | null;
  monitors: { name: string; status: string; value: number | null }[];
}

let server: RunningServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  server = undefined;
  store = undefined;
});

/** v1 registered, gated and stable; `model` registered against it and gated (override when asked). */
async function prepare(model: string, override = false) {
  const dir = rolloutProject();
  const url = STORE_FACTORIES[0]!.freshUrl();
  const env = { SLUICE_DB: url };
  const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  expect((await cli('gate', v1)).code).toBe(0);
  expect((await cli('roll', v1, '--json')).code).toBe(0);
  releaseFor(dir, model, v1);
  const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  const gate = await cli(
    'gate',
    v2,
    ...(override ? ['--force-gate-override', '--override-reason', 'testing the canary monitors'] : []),
  );
  expect(gate.code, gate.stdout + gate.stderr).toBe(0);
  return { dir, url, env, cli, v1, v2 };
}

async function serve(dir: string, url: string) {
  store = await openStore(url, dir);
  server = await startServer({
    store,
    config: loadProjectConfig(dir).value,
    projectDir: dir,
    env: {},
    port: 0,
    tickMs: 100,
    pollMs: 100,
    observeTickMs: 300,
    simTimeScale: 0.05,
  });
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}

const QUESTIONS = [
  'How do I reset my password?',
  'Where is my hardware order?',
  'Can I get a refund for an unused month?',
  'How do I add a teammate?',
];

/** Sends traffic from 200 users until `done` or the deadline; returns the releases that served each user, in order. */
async function traffic(client: OpenAI, done: () => Promise<boolean>, ms: number): Promise<Map<string, string[]>> {
  const served = new Map<string, string[]>();
  const deadline = Date.now() + ms;
  let n = 0;
  while (Date.now() < deadline && !(await done())) {
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        const user = `user-${n++ % 200}`;
        const { response } = await client.chat.completions
          .create({
            model: 'support-assistant',
            user,
            messages: [{ role: 'user', content: QUESTIONS[n % QUESTIONS.length]! }],
            metadata: { product: 'Acme Cloud' },
          })
          .withResponse()
          .catch((e: unknown) => ({
            response: (e as { headers?: Headers }).headers
              ? { headers: (e as { headers: Headers }).headers }
              : undefined,
          }));
        const release = response?.headers.get('x-sluice-release');
        if (release) served.set(user, [...(served.get(user) ?? []), release]);
      }),
    );
  }
  return served;
}

describe('rollout through the gateway (SQLite)', () => {
  it('walks a healthy candidate 5 → 25 → 100 and promotes it, one receipt per step, users keeping their arm', async () => {
    const { dir, url, cli, v1, v2 } = await prepare('helpful-v3');
    const rolled = await cli('roll', v2, '--json');
    expect(rolled.json<Status>()).toMatchObject({ phase: 'progressing', weight: 5 });
    const client = await serve(dir, url);
    const status = async () => rolloutOf(await server!.service.status('support-assistant'));
    const served = await traffic(client, async () => (await status()).phase !== 'progressing', 40_000);
    const final = await status();
    expect(final.phase, JSON.stringify(final)).toBe('promoted');
    expect(final.weight).toBe(100);
    // Sticky: weight only grows, so a user once served by the candidate never goes back to the old stable,
    // not while it rolls and not once it is promoted (its arm is then "stable", its release the same).
    let moved = 0;
    for (const seq of served.values()) {
      const first = seq.indexOf(v2);
      if (first > 0) moved++;
      if (first >= 0)
        expect(
          seq.slice(first).every((r) => r === v2),
          seq.join(' '),
        ).toBe(true);
      expect(seq.every((r) => r === v1 || r === v2)).toBe(true);
    }
    expect(moved).toBeGreaterThan(0);
    const log = (await cli('audit', 'log', '--json')).json<{ kind: string }[]>().map((e) => e.kind);
    expect(log.filter((k) => k === 'step')).toHaveLength(3);
    expect(log.filter((k) => k === 'promote')).toHaveLength(1);
    expect((await cli('audit', 'verify', '--json')).json()).toMatchObject({ ok: true });
    expect((await cli('status', '--json')).json<{ stable: string }>().stable).toBe(v2);
  }, 60_000);

  it('promotes a noisy but healthy canary: a heavier latency tail and a few errors, no proven harm', async () => {
    const { dir, url, cli, v2 } = await prepare('noisy-v6', true);
    await cli('roll', v2);
    const client = await serve(dir, url);
    const status = async () => rolloutOf(await server!.service.status('support-assistant'));
    await traffic(client, async () => (await status()).phase !== 'progressing', 40_000);
    const final = await status();
    expect(final.phase, JSON.stringify(final)).toBe('promoted');
    expect(final.weight).toBe(100);
    expect((await cli('status', '--json')).json<{ stable: string }>().stable).toBe(v2);
  }, 60_000);

  it('rolls a canary that starts failing back on its own, with the breach on record', async () => {
    const { dir, url, cli, v1, v2 } = await prepare('broken-v4', true);
    await cli('roll', v2);
    const client = await serve(dir, url);
    const status = async () => rolloutOf(await server!.service.status('support-assistant'));
    await traffic(client, async () => (await status()).phase !== 'progressing', 30_000);
    const final = await status();
    expect(final.phase).toBe('rolled_back');
    expect(final.weight).toBe(0);
    expect(final.halt_reason).toMatch(/error_rate/);
    const halt = (await cli('audit', 'log', '--kind', 'halt', '--json')).json<
      { predicate: { what: { monitors: { name: string; status: string }[] } } }[]
    >();
    expect(halt).toHaveLength(1);
    expect(JSON.stringify(halt[0]!.predicate)).toMatch(/error_rate/);
    expect((await cli('status', '--json')).json<{ stable: string }>().stable).toBe(v1);
  });
});

interface StepStatus extends Status {
  candidate: string | null;
  rollout: string | null;
  score: number | null;
  step_progress: {
    index: number;
    weight: number;
    requests: number | null;
    min_requests: number;
    dwell_seconds: number;
    elapsed_seconds: number | null;
    dwell_remaining_seconds: number | null;
    deadline: string | null;
    waiting_for: string[];
  } | null;
}

describe('status and the rollout commands, with a running controller', () => {
  it('says an idle route is idle, shows why a step waits, and prints the state after the controller acted', async () => {
    const { dir, url, cli, v1, v2 } = await prepare('helpful-v3');
    // a slow step: the dwell is long, so the canary stays at 5% while we look at it
    writeFileSync(
      join(dir, 'sluice.yaml'),
      readFileSync(join(dir, 'sluice.yaml'), 'utf8').replace('dwell_seconds: 1', 'dwell_seconds: 600'),
    );
    const idle = await cli('status');
    expect(idle.stdout).toMatch(/^support-assistant: idle \(no rollout\)/);
    expect(idle.stdout).not.toMatch(/canary|step/);
    expect((await cli('status', '--json')).json<StepStatus>()).toMatchObject({
      phase: 'idle',
      candidate: null,
      stable: v1,
      step_progress: null,
    });
    await serve(dir, url);
    const rolled = await cli('roll', v2, '--json');
    expect(rolled.code, rolled.stderr).toBe(0);
    // the running server's controller started the rollout before roll answered
    expect(rolled.json<StepStatus>()).toMatchObject({ phase: 'progressing', weight: 5, step: 0 });
    // sluice traffic: the suite's questions through the gateway, from many sticky users
    const sent = await cli('traffic', '--url', server!.url, '--duration', '2.5', '--rps', '80', '--json');
    expect(sent.code, sent.stderr).toBe(0);
    const summary = sent.json<{ sent: number; ok: number; failed: number; arms: { canary: number; stable: number } }>();
    expect(summary.ok).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThan(100);
    expect(summary.arms.canary).toBeGreaterThan(0);
    expect(summary.arms.stable).toBeGreaterThan(summary.arms.canary);
    // the gateways' intervals close every 2 s: wait until the status counts the canary's requests
    let s = (await cli('status', '--json')).json<StepStatus>();
    for (let i = 0; i < 50 && !(s.step_progress?.requests ?? 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      s = (await cli('status', '--json')).json<StepStatus>();
    }
    const p = s.step_progress!;
    expect(p).toMatchObject({ index: 0, weight: 5, min_requests: 20, dwell_seconds: 600 });
    expect(p.requests).toBeGreaterThan(0);
    expect(p.elapsed_seconds).toBeGreaterThan(0);
    expect(p.dwell_remaining_seconds).toBeLessThan(600);
    expect(p.dwell_remaining_seconds! + p.elapsed_seconds!).toBeCloseTo(600, 0);
    expect(Date.parse(p.deadline!)).toBeGreaterThan(Date.now());
    expect(p.waiting_for.join('; ')).toMatch(/dwell: [\d.]+ s of 600 s left/);
    const text = (await cli('status')).stdout;
    expect(text).toMatch(/step 1\/3 at 5%: \d+ of 20 canary requests, dwell [\d.]+ s of 600 s \([\d.]+ s left\)/);
    expect(text).toMatch(/waiting for: dwell/);
    expect(text).toMatch(/deadline/);
    if (s.score !== null) expect(text).toMatch(/score [\d.]+\/100: the weighted share of conclusive monitors/);

    // pause: the server's controller acts on it, and the answer is the state after it did
    const paused = await cli('pause', '--reason', 'looking', '--json');
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.json<StepStatus>()).toMatchObject({ phase: 'paused', weight: 5 });
    const again = await cli('pause');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/nothing to pause: the rollout is paused/);

    const back = await cli('rollback', '--reason', 'enough');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/^support-assistant: rolled_back, canary 0%/);
    const twice = await cli('rollback', '--reason', 'enough');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/nothing to roll back: the rollout is rolled back/);
    expect((await cli('resume')).code).toBe(1);
    expect((await cli('status', '--json')).json<StepStatus>()).toMatchObject({
      phase: 'rolled_back',
      stable: v1,
      step_progress: null,
    });
  }, 60_000);
});
