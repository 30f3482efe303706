import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { runForensics } from '../src/app/cli/commands/forensics.js';
import { runTracesErase } from '../src/app/cli/commands/traces.js';
import { CliContext } from '../src/app/cli/context.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { sha256Digest } from '../src/kernel/digest.js';
import type { ForensicsExport } from '../src/audit/forensics/export.js';
import { legacyStickyHash, stickyHash } from '../src/gateway/routing/sticky.js';
import { loadStickySecret } from '../src/gateway/routing/sticky-secret.js';

/** A sticky key as the project at `dir` stores it: HMAC-SHA256 under its sticky-hash key. */
const keyed = (dir: string, key: string): string => stickyHash(key, loadStickySecret(dir, {}));
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { openStore } from '../src/store/open-store.js';
import type { ShadowPairRecord, Store, TraceRecord } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';
import { tempDir } from '../src/kernel/test-support/temp-dir.js';

const ROUTE = 'support-assistant';

let server: RunningServer | undefined;
let store: Store | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  server = undefined;
  store = undefined;
});

/** Runs one of the commands this file covers in-process, as `--json`. */
async function command<T>(
  dir: string,
  env: NodeJS.ProcessEnv,
  run: (ctx: CliContext) => Promise<number>,
): Promise<{ code: number; json: T }> {
  let out = '';
  const ctx = new CliContext(
    { stdout: (t) => (out += t), stderr: () => {}, env: { SLUICE_ACTOR: 'tester', ...env }, cwd: dir, isTTY: false },
    { json: true },
  );
  try {
    const code = await run(ctx);
    return { code, json: JSON.parse(out) as T };
  } finally {
    await ctx.close();
  }
}

/** v1 registered, gated and stable; v2 registered against it and gated. */
async function prepare(url: string) {
  const dir = rolloutProject();
  const env = { SLUICE_DB: url };
  const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  expect((await cli('gate', v1)).code).toBe(0);
  expect((await cli('roll', v1)).code).toBe(0);
  releaseFor(dir, 'helpful-v3', v1);
  const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  const gate = await cli('gate', v2, '--force-gate-override', '--override-reason', 'forensics test');
  expect(gate.code, gate.stdout + gate.stderr).toBe(0);
  return { dir, env, cli, v1, v2 };
}

function pair(
  dir: string,
  id: string,
  shadowRelease: string,
  stableRelease: string,
  key: string | null,
): ShadowPairRecord {
  return {
    id,
    route: ROUTE,
    stableRelease,
    shadowRelease,
    slice: 'billing',
    stickyHash: key === null ? null : keyed(dir, key),
    input: JSON.stringify([{ role: 'user', content: `question of ${key}` }]),
    stableOutput: 'stable answer',
    shadowOutput: 'shadow answer',
    stableLatencyMs: 40,
    shadowLatencyMs: 42,
    stableCostUsd: 0.001,
    shadowCostUsd: 0.002,
    createdAt: new Date().toISOString(),
  };
}

describe('forensics and erasure through the gateway (SQLite)', () => {
  it("keeps a rolled-back candidate's traces for export, and erases one user's content keeping digests and a verifying ledger", async () => {
    const url = STORE_FACTORIES[0]!.freshUrl();
    const { dir, env, cli, v1, v2 } = await prepare(url);
    const rolled = await cli('roll', v2, '--json');
    expect(rolled.code, rolled.stdout + rolled.stderr).toBe(0);
    const rolloutId = rolled.json<{ rollout: string }>().rollout;

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
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    // Wait until the controller has started the rollout and the gateway serves the canary.
    const deadline = Date.now() + 10_000;
    const status = async () => (await server!.service.status(ROUTE)) as { phase: string; weight: number };
    while ((await status()).weight === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // the gateway polls the route state

    const arms = new Map<string, string>();
    for (let n = 0; n < 400 && Date.now() < deadline + 20_000; n += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const user = `user-${n + i}`;
          const { response } = await client.chat.completions
            .create({
              model: ROUTE,
              user,
              messages: [{ role: 'user', content: 'How do I reset my password?' }],
              metadata: { product: 'Acme Cloud' },
            })
            .withResponse();
          arms.set(user, response.headers.get('x-sluice-arm')!);
        }),
      );
      if ([...arms.values()].filter((a) => a === 'canary').length >= 3 && arms.size >= 100) break;
    }
    const canaryUsers = [...arms].filter(([, a]) => a === 'canary').map(([u]) => u);
    expect(canaryUsers.length).toBeGreaterThanOrEqual(3);

    const rollback = await cli('rollback', '--reason', 'forensics drill', '--json');
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    while ((await status()).phase !== 'rolled_back' && Date.now() < deadline + 30_000)
      await new Promise((r) => setTimeout(r, 50));
    expect((await status()).phase).toBe('rolled_back');
    await server.close(); // flushes the trace queue
    server = undefined;
    await store.insertShadowPairs([
      pair(dir, 'sp-1', v2, v1, canaryUsers[0]!),
      pair(dir, 'sp-2', v2, v1, 'someone-else'),
      pair(dir, 'sp-3', v1, v2, null),
    ]);

    // Forensics after the rollback: the candidate's canary traces, its pairs, its receipts.
    const out = join(tempDir('sluice-forensics-'), 'rollout.json');
    const res = await command<{ traces: number; receipts: number }>(dir, env, (ctx) =>
      runForensics(ctx, rolloutId, { out }),
    );
    expect(res.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as ForensicsExport;
    expect(doc.rollout).toMatchObject({
      id: rolloutId,
      route: ROUTE,
      stable: v1,
      candidate: v2,
      status: 'rolled_back',
      halt_reason: 'forensics drill',
    });
    expect(doc.traces).toHaveLength(canaryUsers.length);
    expect(res.json.traces).toBe(canaryUsers.length);
    for (const t of doc.traces) {
      expect(t).toMatchObject({ route: ROUTE, release: v2, arm: 'canary', status: 200, erased: false });
      expect(Array.isArray(t.input)).toBe(true);
      expect(typeof t.output).toBe('string');
    }
    expect(new Set(doc.traces.map((t) => t.sticky_hash))).toEqual(new Set(canaryUsers.map((u) => keyed(dir, u))));
    expect(doc.shadow_pairs.map((p) => p.id)).toEqual(['sp-1', 'sp-2']);
    const kinds = doc.receipts.map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['register', 'gate', 'rollout-start', 'step', 'rollback']));
    for (const r of doc.receipts) {
      expect(r.subject).toBe(v2);
      expect(r.predicate).not.toBeNull();
      expect(JSON.parse(Buffer.from(r.body, 'base64').toString('utf8'))).toHaveProperty('signatures');
    }
    expect(doc.checkpoint).toMatch(/\n\n/);
    await expect(command(dir, env, (ctx) => runForensics(ctx, 'ro-missing', { out }))).rejects.toMatchObject({
      code: 'not_found',
    });

    // Erase one canary user: their traces and pairs lose their content, keep everything else; others keep theirs.
    const victim = canaryUsers[0]!;
    const before = await store.listTraces({ route: ROUTE });
    const theirs = before.filter((t) => t.stickyHash === keyed(dir, victim));
    expect(theirs.length).toBeGreaterThan(0);
    const erased = await command<{ traces: number; shadow_pairs: number; sticky_hash: string }>(dir, env, (ctx) =>
      runTracesErase(ctx, { user: victim }),
    );
    expect(erased.json).toMatchObject({ traces: theirs.length, shadow_pairs: 1, sticky_hash: keyed(dir, victim) });
    const after = new Map((await store.listTraces({ route: ROUTE })).map((t) => [t.id, t]));
    for (const t of before) {
      const now = after.get(t.id)!;
      if (t.stickyHash === keyed(dir, victim)) {
        expect(now).toEqual({
          ...t,
          input: JSON.stringify({ erased: sha256Digest(t.input) }),
          output: JSON.stringify({ erased: sha256Digest(t.output) }),
          vars: JSON.stringify({ erased: sha256Digest(t.vars) }),
        });
      } else {
        expect(now).toEqual(t);
      }
    }
    const pairs = await store.shadowPairs({ route: ROUTE });
    expect(pairs.find((p) => p.id === 'sp-1')!.shadowOutput).toBe(
      JSON.stringify({ erased: sha256Digest('shadow answer') }),
    );
    expect(pairs.find((p) => p.id === 'sp-2')!.shadowOutput).toBe('shadow answer');

    // The export shows the erasure; the ledger still verifies.
    await command(dir, env, (ctx) => runForensics(ctx, rolloutId, { out }));
    const again = JSON.parse(readFileSync(out, 'utf8')) as ForensicsExport;
    const gone = again.traces.filter((t) => t.erased);
    expect(gone.map((t) => t.sticky_hash)).toEqual(
      theirs.filter((t) => t.arm === 'canary').map(() => keyed(dir, victim)),
    );
    expect(gone[0]!.input).toEqual({ erased: sha256Digest(theirs.find((t) => t.arm === 'canary')!.input) });
    expect(again.receipts).toEqual(doc.receipts);
    const verify = await cli('audit', 'verify', '--json');
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json()).toMatchObject({ ok: true });
  }, 120_000);
});

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`traces erase: ${factory.name}`, () => {
    it("erases by user and by date, keeping other users' content, the digests and a verifying ledger", async () => {
      const url = factory.freshUrl();
      const { dir, env, cli, v1 } = await prepare(url);
      store = await openStore(url, dir);
      const trace = (n: number, user: string | null, daysAgo: number): TraceRecord => ({
        id: `t-${n}`,
        route: ROUTE,
        releaseId: v1,
        arm: 'stable',
        // t-0 was stored before sticky hashes were keyed: erasure finds it by the plain SHA-256 too.
        stickyHash: user === null ? null : n === 0 ? legacyStickyHash(user) : keyed(dir, user),
        status: 200,
        latencyMs: 40 + n,
        promptTokens: 10,
        completionTokens: 12,
        costUsd: 0.0002,
        slice: 'billing',
        input: JSON.stringify([{ role: 'user', content: `my email is [EMAIL], question ${n}` }]),
        vars: '{}',
        output: `answer ${n}`,
        createdAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(),
      });
      const rows = [
        trace(0, 'alice@example.com', 10),
        trace(1, 'bob', 10),
        trace(2, 'alice@example.com', 1),
        trace(3, null, 10),
        trace(4, 'bob', 1),
      ];
      await store.insertTraces(rows);
      const marker = (text: string) => JSON.stringify({ erased: sha256Digest(text) });
      const byId = async () => new Map((await store!.listTraces({ route: ROUTE })).map((t) => [t.id, t]));

      const byUser = await command<{ traces: number }>(dir, env, (ctx) =>
        runTracesErase(ctx, { user: 'alice@example.com' }),
      );
      expect(byUser).toMatchObject({ code: 0, json: { traces: 2, shadow_pairs: 0 } });
      let now = await byId();
      expect(now.get('t-0')).toEqual({
        ...rows[0]!,
        input: marker(rows[0]!.input),
        output: marker(rows[0]!.output),
        vars: marker(rows[0]!.vars),
      });
      expect(now.get('t-2')).toEqual({
        ...rows[2]!,
        input: marker(rows[2]!.input),
        output: marker(rows[2]!.output),
        vars: marker(rows[2]!.vars),
      });
      for (const i of [1, 3, 4]) expect(now.get(`t-${i}`)).toEqual(rows[i]);

      const cutoff = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
      const byDate = await command<{ traces: number }>(dir, env, (ctx) => runTracesErase(ctx, { before: cutoff }));
      expect(byDate.json.traces).toBe(2); // t-1 and t-3; t-0 was erased already
      now = await byId();
      expect(now.get('t-1')!.input).toBe(marker(rows[1]!.input));
      expect(now.get('t-3')!.output).toBe(marker(rows[3]!.output));
      expect(now.get('t-4')).toEqual(rows[4]);
      expect(now.get('t-0')!.input).toBe(marker(rows[0]!.input)); // not a digest of the marker

      await expect(command(dir, env, (ctx) => runTracesErase(ctx, {}))).rejects.toMatchObject({ code: 'bad_usage' });
      await expect(command(dir, env, (ctx) => runTracesErase(ctx, { before: 'last week' }))).rejects.toMatchObject({
        code: 'bad_usage',
      });
      const verify = await cli('audit', 'verify', '--json');
      expect(verify.code, verify.stdout).toBe(0);
      expect(verify.json()).toMatchObject({ ok: true });
    }, 120_000);
  });
}
