import { clockOf } from '../src/kernel/clock.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../src/audit/ledger/open-ledger.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import type { Finished } from '../src/gateway/http/chat.js';
import { Observer } from '../src/observe/observer.js';
import { ProviderRegistry } from '../src/providers/provider-registry.js';
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

const QUESTIONS = [
  'how do I reset my password?',
  'where is my hardware order?',
  'can I get a refund for an unused month?',
  'how do I add a teammate?',
];

describe('the observer', () => {
  it('rolls back a promoted release that starts hedging, latency and errors unchanged, with the windows on record', async () => {
    const dir = rolloutProject();
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);
    releaseFor(dir, 'hedging-v5', v1);
    const v5 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    // The suite never says "please": the gate sees no hedging and passes.
    expect((await cli('gate', v5)).code).toBe(0);
    await cli('roll', v5);
    expect((await cli('promote', '--reason', 'fast-track the safety tune', '--json')).json()).toMatchObject({
      phase: 'promoted',
      stable: v5,
    });

    store = await openStore(url, dir);
    server = await startServer({
      store,
      config: loadProjectConfig(dir).value,
      projectDir: dir,
      env: {},
      port: 0,
      tickMs: 100,
      pollMs: 100,
      observeTickMs: 250,
      simTimeScale: 0.02,
    });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const status = async () =>
      (await server!.service.status('support-assistant')) as {
        phase: string;
        stable: string;
        halt_reason: string | null;
      };
    const deadline = Date.now() + 20_000;
    let n = 0;
    while (Date.now() < deadline && (await status()).phase === 'promoted') {
      await Promise.all(
        Array.from({ length: 24 }, () =>
          client.chat.completions
            .create({
              model: 'support-assistant',
              user: `u${n++}`,
              messages: [{ role: 'user', content: `Please, ${QUESTIONS[n % QUESTIONS.length]} (ticket ${n})` }],
              metadata: { product: 'Acme Cloud' },
            })
            .catch(() => undefined),
        ),
      );
    }
    const final = await status();
    expect(final.phase).toBe('rolled_back');
    expect(final.stable).toBe(v1);
    const receipts = (await cli('audit', 'log', '--kind', 'observe-rollback', '--json')).json<
      {
        actor: string;
        predicate: {
          what: {
            series: { status: string; mean: number; n: number }[];
            detector: { statistic: string; value: number; threshold: number; arl0: number };
          };
        };
      }[]
    >();
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.actor).toBe('observer');
    const series = receipts[0]!.predicate.what.series;
    expect(series).toHaveLength(3);
    // Every window of the run shows the drop; a thin one (under min_samples_per_window) counts as evidence too.
    expect(series.every((w) => w.status === 'breach' || w.status === 'insufficient')).toBe(true);
    expect(series.every((w) => w.mean < 0.5)).toBe(true);
    const detector = receipts[0]!.predicate.what.detector;
    expect(detector.statistic).toMatch(/^(quality-floor|detector:refusal)$/);
    expect(detector.value).toBeGreaterThan(detector.threshold);
    expect(detector.arl0).toBe(1_000_000);
    expect((await cli('audit', 'verify', '--json')).json()).toMatchObject({ ok: true });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /sluice_observe_window_quality\{route="support-assistant",release="sha256:[0-9a-f]+",slice="\*"\} 0\.[0-4]/,
    );
    expect(metrics).toMatch(/sluice_observe_detector_rate\{[^}]*detector="refusal"\} 0\.[5-9]/);
    expect(metrics).toMatch(/sluice_observe_samples_total\{outcome="queued"\} \d+/);
  });

  it('waits for the answers of a window still being judged before deciding on it, and counts none as late', async () => {
    const dir = rolloutProject(); // windows of 1 s: settled 500 ms after their end
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('roll', v1);
    store = await openStore(url, dir);
    const config = loadProjectConfig(dir).value;
    const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);
    let now = T0 + 100;
    const observer = new Observer({
      store,
      config,
      projectDir: dir,
      providers: new ProviderRegistry(config, { projectDir: dir, env: {} }), // the grader answers in about 30 ms
      ledger: openLedger(store, config, dir, {}),
      clock: clockOf(() => now),
    });
    for (let i = 0; i < 40; i++) {
      const answer = {
        id: `req-${i}`,
        entry: { route: 'support-assistant' },
        release: { id: v1 },
        status: 200,
        slice: undefined,
        output: 'Open Settings, then Security, and choose Reset password.',
        messages: [{ role: 'user', content: `How do I reset my password? (ticket ${i})` }],
      };
      observer.offer(answer as unknown as Finished);
    }
    const sampled = observer.sampler.counts().queued;
    expect(sampled).toBeGreaterThan(5);
    now = T0 + 1_000 + 600; // the window has settled by the clock, but its answers are still with the judge
    expect(await observer.tick()).toEqual([]);
    await observer.drain();
    const decided = await observer.tick();
    expect(decided).toHaveLength(1);
    const newest = decided[0]!.series.at(-1)!;
    expect(newest.start).toBe(T0);
    expect(newest.n).toBe(sampled);
    expect(observer.lateSamples).toBe(0);
  });
});

describe('the observer on a low-traffic route', () => {
  it('rolls back a release that starts hedging at 1 request a second, default observe settings, within 10 minutes (virtual time)', async () => {
    const dir = rolloutProject();
    const cfgFile = join(dir, 'sluice.yaml');
    // The defaults a team starts with: 5% sampling, 60 s windows, 3 consecutive windows, min_quality 0.6.
    writeFileSync(
      cfgFile,
      readFileSync(cfgFile, 'utf8').replace(
        /observe: .*\n/,
        'observe: { sample_rate: 0.05, window_seconds: 60, consecutive: 3, min_quality: 0.6 }\n',
      ),
    );
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);
    releaseFor(dir, 'hedging-v5', v1);
    const v5 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    expect((await cli('gate', v5)).code).toBe(0);
    await cli('roll', v5);
    expect((await cli('promote', '--reason', 'fast-track the safety tune', '--json')).json()).toMatchObject({
      phase: 'promoted',
      stable: v5,
    });
    store = await openStore(url, dir);
    const config = loadProjectConfig(dir).value;
    expect(config.observe.min_samples_per_window).toBe(50);
    const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
    let now = T0;
    const rolledBack: string[] = [];
    const observer = new Observer({
      store,
      config,
      projectDir: dir,
      providers: new ProviderRegistry(config, { projectDir: dir, env: {} }),
      ledger: openLedger(store, config, dir, {}),
      clock: clockOf(() => now),
      onRollback: async (route) => {
        rolledBack.push(route);
      },
    });
    const hedge = 'You should consult a qualified professional who can review the details before relying on this.';
    const answer =
      'Open Settings, then Security, and choose Reset password; the link arrives by email within a minute.';
    let decidedAt: number | undefined;
    // One request a second for up to 10 minutes; half of the answers hedge from the first one on.
    for (let i = 0; i < 600 && decidedAt === undefined; i++) {
      now = T0 + i * 1000;
      observer.offer({
        id: `req-${i}`,
        entry: { route: 'support-assistant' },
        release: { id: v5 },
        status: 200,
        slice: undefined,
        output: i % 2 ? hedge : answer,
        messages: [{ role: 'user', content: `How do I reset my password? (ticket ${i})` }],
      } as unknown as Finished);
      if (i % 60 === 31) {
        await observer.drain();
        const decided = await observer.tick();
        if (decided.some((d) => d.action === 'rollback')) decidedAt = now;
      }
    }
    expect(decidedAt, `alerts: ${observer.alerts.map((a) => a.reason).join(' | ')}`).toBeDefined();
    expect(decidedAt! - T0).toBeLessThanOrEqual(10 * 60_000);
    expect(rolledBack).toEqual(['support-assistant']);
    // The floor judged about 50 answers a window where 5% sampling alone would have judged about 3.
    expect(observer.sampler.counts().floored).toBeGreaterThan(observer.sampler.counts().queued / 2);
    const receipts = (await cli('audit', 'log', '--kind', 'observe-rollback', '--json')).json<
      {
        predicate: { what: { series: unknown[]; detector: { statistic: string; value: number; threshold: number } } };
      }[]
    >();
    expect(receipts).toHaveLength(1);
    const { detector } = receipts[0]!.predicate.what;
    expect(detector.value).toBeGreaterThan(detector.threshold);
  });
});

describe('the observer with a holdback of the previous stable', () => {
  it('keeps observe.holdback of the traffic on the previous stable and rolls back a release that is worse from its first answer', async () => {
    const dir = rolloutProject();
    const cfgFile = join(dir, 'sluice.yaml');
    writeFileSync(
      cfgFile,
      readFileSync(cfgFile, 'utf8').replace(
        /observe: .*\n/,
        'observe: { sample_rate: 0.05, window_seconds: 60, consecutive: 3, min_quality: 0.3, holdback: 0.05, reference_samples: 60 }\n',
      ),
    );
    const url = STORE_FACTORIES[0]!.freshUrl();
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env: { SLUICE_DB: url } });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    await cli('gate', v1);
    await cli('roll', v1);
    releaseFor(dir, 'hedging-v5', v1);
    const v5 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    expect((await cli('gate', v5)).code).toBe(0);
    await cli('roll', v5);
    await cli('promote', '--reason', 'fast-track the safety tune');
    store = await openStore(url, dir);
    // 5% of the route stays on the previous stable: the gateway's minority arm after promotion.
    expect((await store.getRouteStates()).find((s) => s.route === 'support-assistant')).toMatchObject({
      stable: v5,
      candidate: v1,
      weight: 5,
    });
    // Judged answers of both: the promoted release at about 0.62 from its first answer (above min_quality), the
    // held-back previous stable at about 0.8. Its own first answers would make 0.62 its reference.
    const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
    const samples = [];
    for (let w = 0; w < 10; w++)
      for (let i = 0; i < 25; i++) {
        const spread = ((i * 7) % 11) / 10 - 0.5; // −0.5 … 0.5, deterministic
        for (const [release, mean, n] of [
          [v5, 0.62, 25],
          [v1, 0.8, 20],
        ] as const)
          if (i < n)
            samples.push({
              id: `${release.slice(7, 15)}-${w}-${i}`,
              route: 'support-assistant',
              releaseId: release,
              slice: '*',
              at: T0 + w * 60_000 + i * 1000,
              quality: mean + 0.2 * spread,
              judgeError: false,
              flags: {},
            });
      }
    await store.insertObserveSamples(samples);
    const config = loadProjectConfig(dir).value;
    const observer = new Observer({
      store,
      config,
      projectDir: dir,
      providers: new ProviderRegistry(config, { projectDir: dir, env: {} }),
      ledger: openLedger(store, config, dir, {}),
      clock: clockOf(() => T0 + 12 * 60_000),
    });
    const decided = await observer.tick();
    expect(decided.map((d) => d.action)).toEqual(['rollback']);
    const receipts = (await cli('audit', 'log', '--kind', 'observe-rollback', '--json')).json<
      {
        predicate: {
          what: { detector: { statistic: string; reference: { mean: number; n: number; from: string } | null } };
        };
      }[]
    >();
    expect(receipts).toHaveLength(1);
    const { detector } = receipts[0]!.predicate.what;
    expect(detector.statistic).toBe('quality-drop');
    expect(detector.reference).toMatchObject({ from: 'holdback', n: 60 });
    expect(detector.reference!.mean).toBeCloseTo(0.8, 1);
  });
});
