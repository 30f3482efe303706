import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliContext } from '../src/app/cli/context.js';
import { runReplay } from '../src/app/cli/commands/replay.js';
import type { ReplayResult } from '../src/replay/replay.js';
import { openStore } from '../src/store/open-store.js';
import { erasedContent } from '../src/store/erased-content.js';
import type { Store, TraceRecord } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli, starterProject } from './support/cli.js';
import { releaseFor } from './support/rollout-project.js';

const ROUTE = 'support-assistant';
const HEDGE = 'I cannot give advice on that; please consult our billing team.';

interface SuiteLine {
  id: string;
  slice: string;
  input: string;
  reference: string;
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/**
 * The starter project with a system prompt that needs no request variables
 * (traces keep the client's messages, not its metadata), v1 stable, v2 registered.
 */
async function project() {
  const dir = starterProject();
  writeFileSync(
    join(dir, 'prompts/system.md'),
    'You are the support assistant. Answer the customer accurately and briefly.\n',
  );
  const env = { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() };
  const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  expect((await cli('gate', v1)).code).toBe(0);
  expect((await cli('roll', v1)).code).toBe(0);
  releaseFor(dir, 'helpful-v2', v1);
  const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  const suite = readFileSync(join(dir, 'suites/support.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SuiteLine);
  return { dir, env, cli, v1, v2, suite };
}

function trace(n: number, over: Partial<TraceRecord> & Pick<TraceRecord, 'releaseId'>): TraceRecord {
  return {
    id: `tr-${String(n).padStart(3, '0')}`,
    route: ROUTE,
    arm: 'stable',
    stickyHash: null,
    status: 200,
    latencyMs: 50,
    promptTokens: 30,
    completionTokens: 20,
    costUsd: 0.0001,
    slice: null,
    input: JSON.stringify([{ role: 'user', content: 'hello' }]),
    vars: '{}',
    output: 'hi',
    createdAt: new Date(Date.now() - 60_000 + n * 100).toISOString(),
    ...over,
  };
}

async function replayJson(
  dir: string,
  env: NodeJS.ProcessEnv,
  id: string,
  opts: { since?: string; limit?: string } = {},
) {
  let out = '';
  const ctx = new CliContext(
    { stdout: (t) => (out += t), stderr: () => {}, env: { SLUICE_ACTOR: 'tester', ...env }, cwd: dir, isTTY: false },
    { json: true },
  );
  try {
    const code = await runReplay(ctx, id, opts);
    return { code, result: JSON.parse(out) as ReplayResult };
  } finally {
    await ctx.close();
  }
}

describe('replay on recorded production traffic', () => {
  it('scores the release per slice against what production served, on successful traces with content only', async () => {
    const { dir, env, v1, v2, suite } = await project();
    store = await openStore(env.SLUICE_DB, dir);
    // Production hedged on billing questions and answered the rest as the references say.
    const served = suite.map((item, i) =>
      trace(i, {
        releaseId: v1,
        slice: item.slice,
        input: JSON.stringify([{ role: 'user', content: item.input }]),
        vars: '{}',
        output: item.slice.startsWith('billing') ? HEDGE : item.reference,
        stickyHash: `user-${i % 4}`,
      }),
    );
    const left = [
      trace(100, { releaseId: v1, status: 502, slice: 'account', output: '' }), // failed in production
      trace(101, { releaseId: v1, slice: 'account', input: erasedContent('[]'), output: erasedContent('x') }), // erased
      trace(102, { releaseId: v1, slice: 'account', createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString() }), // too old
      trace(103, { releaseId: v1, slice: 'account', route: 'other-route' }),
    ];
    await store.insertTraces([...served, ...left]);

    const { code, result } = await replayJson(dir, env, v2, { since: '1h' });
    expect(code).toBe(0);
    expect(result).toMatchObject({
      kind: 'replay',
      release: v2,
      route: ROUTE,
      compared_to: 'production',
      traces: suite.length,
      skipped: 0,
      judge: 'quality',
    });
    expect(result.production_releases).toEqual({ [v1]: suite.length });
    expect(result.aggregate.slice).toBe('*');
    expect(result.aggregate.traces).toBe(suite.length);
    expect(result.aggregate.n + result.unpaired).toBe(suite.length);
    expect(result.slices.map((s) => s.slice)).toEqual(['account', 'billing', 'billing/refunds', 'shipping']);
    const slice = (name: string) => result.slices.find((s) => s.slice === name)!;
    // billing holds billing/refunds: 30 traces, every one hedged in production.
    expect(slice('billing').traces).toBe(30);
    expect(slice('billing/refunds').traces).toBe(15);
    const billing = slice('billing');
    expect(billing.delta!).toBeGreaterThan(0.2);
    expect(billing.delta_ci![0]).toBeGreaterThan(0);
    expect(billing.delta).toBeCloseTo(billing.score! - billing.production_score!, 3);
    expect(Math.abs(slice('account').delta!)).toBeLessThan(0.2);
    for (const s of [...result.slices, result.aggregate]) {
      expect(s).toHaveProperty('judge_errors');
      expect(s).toHaveProperty('production_judge_errors');
      expect(s).toHaveProperty('item_errors', 0);
      expect(['pass', 'fail', 'review']).toContain(s.verdict);
    }
    expect(result.detectors.refusal?.production).toBeGreaterThan(0);
    expect(Object.keys(result.detectors).sort()).toEqual(['dates', 'refusal']);

    // --limit keeps the newest traces.
    const few = await replayJson(dir, env, v2, { since: '1h', limit: '5' });
    expect(few.result.traces).toBe(5);
    expect(few.result.aggregate.traces).toBe(5);
    expect(few.result.slices.map((s) => s.slice)).toEqual(['shipping']);
  }, 60_000);

  it('reports nothing to replay without failing, and refuses a bad --since or --limit', async () => {
    const { dir, env, v2 } = await project();
    const { code, result } = await replayJson(dir, env, v2, { since: '30m' });
    expect(code).toBe(0);
    expect(result.traces).toBe(0);
    expect(result.aggregate.n).toBe(0);
    await expect(replayJson(dir, env, v2, { since: 'yesterday' })).rejects.toMatchObject({ code: 'bad_usage' });
    await expect(replayJson(dir, env, v2, { since: '0h' })).rejects.toMatchObject({ code: 'bad_usage' });
    await expect(replayJson(dir, env, v2, { limit: '-3' })).rejects.toMatchObject({ code: 'bad_usage' });
  }, 60_000);
});
