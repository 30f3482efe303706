import { clockOf } from '../src/kernel/clock.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectConfig } from '../src/config/load-config.js';
import { runGate } from '../src/gate/gate.js';
import type { GateResult } from '../src/gate/core/gate-result.js';
import { findRelease } from '../src/release/find-release.js';
import { ProviderRegistry } from '../src/providers/provider-registry.js';
import { loadServingRelease } from '../src/serving/serving-release.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli, starterProject } from './support/cli.js';

async function twoReleases(dir: string, env: NodeJS.ProcessEnv) {
  const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  writeFileSync(
    join(dir, 'release.yaml'),
    `${readFileSync(join(dir, 'release.yaml'), 'utf8').replace('helpful-v1', 'helpful-v2')}baseline: "${v1}"\n`,
  );
  const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string; changes: string[] }>();
  expect(v2.changes).toEqual(['model']);
  return { cli, v1, v2: v2.id };
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`gate on ${factory.name}`, () => {
    it('fails the collapsed slice by name, then records an override only with a reason', async () => {
      const dir = starterProject();
      const { cli, v1, v2 } = await twoReleases(dir, { SLUICE_DB: factory.freshUrl() });
      const first = await cli('gate', v1, '--json');
      expect(first.code, first.stderr).toBe(0);
      expect(first.json<GateResult>().verdict).toBe('pass');

      const gated = await cli(
        'gate',
        v2,
        '--baseline',
        v1,
        '--json',
        '--junit',
        'junit.xml',
        '--markdown',
        'gate.md',
        '--html',
        'gate.html',
      );
      expect(gated.code).toBe(1);
      const r = gated.json<GateResult>();
      expect(r.verdict).toBe('fail');
      expect(r.baseline).toBe(v1);
      const refunds = r.slices.find((s) => s.slice === 'billing/refunds')!;
      expect(refunds.verdict).toBe('fail');
      expect(refunds.reasons.join()).toMatch(/< min 0\.65/);
      expect(refunds.baseline_score).not.toBeNull();
      expect(r.slices.find((s) => s.slice === 'account')!.verdict).not.toBe('fail');
      expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('billing/refunds');
      expect(readFileSync(join(dir, 'gate.md'), 'utf8')).toContain('billing/refunds');
      expect(existsSync(join(dir, 'gate.html'))).toBe(true);

      const noReason = await cli('gate', v2, '--baseline', v1, '--force-gate-override');
      expect(noReason.code).toBe(2);
      expect(noReason.stderr).toContain('--override-reason');

      const overridden = await cli(
        'gate',
        v2,
        '--baseline',
        v1,
        '--force-gate-override',
        '--override-reason',
        'refund copy fixed in next release; accepted by billing owner',
        '--json',
      );
      expect(overridden.code).toBe(0);
      const o = overridden.json<GateResult>();
      expect(o.verdict).toBe('fail');
      expect(o.override).toMatchObject({
        actor: 'tester',
        reason: 'refund copy fixed in next release; accepted by billing owner',
      });
      const log = (await cli('audit', 'log', '--kind', 'override', '--json')).json<
        { predicate: { why: string[]; actor: string } }[]
      >();
      expect(log).toHaveLength(1);
      expect(log[0]!.predicate.why[0]).toContain('accepted by billing owner');
      expect((await cli('audit', 'verify', '--json')).json()).toMatchObject({ ok: true });
    });
  });
}

describe('gate runs', () => {
  /** The starter's v1 in a fresh SQLite store, ready for runGate in this process. */
  async function gateOnV1() {
    const dir = starterProject();
    const url = STORE_FACTORIES[0]!.freshUrl();
    const { v1 } = await twoReleases(dir, { SLUICE_DB: url });
    const config = loadProjectConfig(dir).value;
    const store = await openStore(url, dir);
    const providers = new ProviderRegistry(config, { projectDir: dir, env: {} });
    const release = await loadServingRelease(store, await findRelease(store, v1));
    return { dir, config, store, providers, release };
  }

  it('a re-run of an unchanged release calls no provider and gives the same result', async () => {
    const { dir, config, store, providers, release } = await gateOnV1();
    const go = () =>
      runGate(
        { store, config, projectDir: dir, providers, release, baseline: null, clock: clockOf(() => 0) },
        { concurrency: 4 },
      );
    const a = await go();
    const b = await go();
    expect(a.providerCalls).toBe(60);
    expect(b.providerCalls).toBe(0);
    expect(b.result.digest).toBe(a.result.digest);
    await providers.close();
    await store.close();
  });

  it('writes the cache in batches, not a transaction per item, and nothing when all of it was cached', async () => {
    const { dir, config, store, providers, release } = await gateOnV1();
    let transactions = 0;
    const counted = new Proxy(store, {
      get: (target, key, receiver) =>
        key === 'transaction'
          ? (...a: Parameters<Store['transaction']>) => {
              transactions++;
              return target.transaction(...a);
            }
          : Reflect.get(target, key, receiver),
    });
    const go = () =>
      runGate(
        { store: counted, config, projectDir: dir, providers, release, baseline: null, clock: clockOf(() => 0) },
        { concurrency: 4 },
      );
    expect((await go()).providerCalls).toBe(60);
    expect(transactions).toBe(1);
    expect((await go()).providerCalls).toBe(0);
    expect(transactions).toBe(1);
    await providers.close();
    await store.close();
  });

  it('stops cleanly at a token budget with a partial report, never a score it did not measure', async () => {
    const dir = starterProject();
    const { cli, v1 } = await twoReleases(dir, { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() });
    const r = await cli('gate', v1, '--max-tokens', '200', '--concurrency', '1', '--json');
    expect(r.code).toBe(3);
    const g = r.json<GateResult>();
    expect(g.partial?.reason).toMatch(/max tokens 200/);
    expect(g.aggregate.n).toBeLessThan(60);
    expect(g.aggregate.n).toBe(g.partial!.items_done);
  });

  it('rejects a suite item with a bad slice at register, naming file and line', async () => {
    const dir = starterProject();
    const suite = join(dir, 'suites/support.jsonl');
    writeFileSync(suite, `${readFileSync(suite, 'utf8')}{"id": "x", "slice": "a//b", "input": "q"}\n`);
    const env = { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() };
    const r = await runCli(['register', 'release.yaml'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/suites\/support\.jsonl:61: slice/);
  });
});

describe('gate faults', () => {
  it('counts a down provider as item errors per slice and fails the error-rate gate, never inventing a score', async () => {
    const dir = starterProject();
    const cfg = join(dir, 'sluice.yaml');
    writeFileSync(
      cfg,
      readFileSync(cfg, 'utf8').replace(
        'local: { kind: sim, seed: 7, models: sim/models.yaml }',
        'local: { kind: openai-compatible, base_url: "http://127.0.0.1:9/v1", retries: 0, timeout_ms: 2000 }',
      ),
    );
    const env = { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() };
    const id = (await runCli(['register', 'release.yaml', '--json'], { cwd: dir, env })).json<{ id: string }>().id;
    const r = await runCli(['gate', id, '--json'], { cwd: dir, env });
    expect(r.code).toBe(1);
    const g = r.json<GateResult>();
    expect(g.error_rate).toBe(1);
    expect(g.aggregate.score).toBeNull();
    expect(g.slices.every((s) => s.score === null && s.item_errors > 0)).toBe(true);
    expect(g.checks.find((c) => c.name === 'error_rate')!.ok).toBe(false);
  });
});

describe('gate output when items fail to serve', () => {
  it("names the provider's error with its count, in text and JSON, and says pass or FAIL for each check", async () => {
    const { createServer } = await import('node:http');
    const upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'the model is overloaded', type: 'server_error', code: null } }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const port = (upstream.address() as { port: number }).port;
      const dir = starterProject();
      const cfg = join(dir, 'sluice.yaml');
      writeFileSync(
        cfg,
        readFileSync(cfg, 'utf8').replace(
          'providers:\n',
          `providers:\n  upstream: { kind: openai-compatible, base_url: "http://127.0.0.1:${port}/v1", retries: 0 }\n`,
        ),
      );
      const rel = join(dir, 'release.yaml');
      writeFileSync(rel, readFileSync(rel, 'utf8').replace('provider: local', 'provider: upstream'));
      const env = { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() };
      const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
      const id = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;

      const json = await cli('gate', id, '--json');
      expect(json.code, json.stdout + json.stderr).toBe(1);
      const r = json.json<GateResult>();
      expect(r.error_rate).toBe(1);
      expect(r.item_errors).toHaveLength(1);
      const [cause] = r.item_errors!;
      expect(cause).toMatchObject({ arm: 'candidate', count: 60, first_item: 'billing-001' });
      expect(cause!.message).toMatch(/503.*the model is overloaded|the model is overloaded.*503/);

      const text = await cli('gate', id);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/no item scored \(0 items; see the item errors below\)/);
      expect(text.stdout).toMatch(/item errors \(candidate error rate 100\.0%, 60 items failed to serve\):/);
      expect(text.stdout).toMatch(/ {4}60 × candidate: .*the model is overloaded.* \(first: billing-001\)/);
      expect(text.stdout).toMatch(/ {4}FAIL {2}hard error_rate {11}error rate 100\.0% \(limit 1%\)/);
      expect(text.stdout).toMatch(/ {4}pass {2}hard allowed_uses|checks \(a failed hard check fails the gate/);
    } finally {
      upstream.close();
    }
  });
});
