import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { runAuditLog } from '../src/app/cli/commands/audit-log.js';
import { runShadow, runShadowReport } from '../src/app/cli/commands/shadow.js';
import type { ShadowStatus } from '../src/shadow/service.js';
import { CliContext } from '../src/app/cli/context.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { createGateway, type Gateway } from '../src/gateway/gateway.js';
import { startSimServer, type SimServer } from '../src/providers/sim/sim-server.js';
import { simEngineFor } from '../src/providers/sim/create-sim-engine.js';
import {
  sendJson,
  startWireServer,
  type Received,
  type WireServer,
} from '../src/providers/test-support/wire-server.js';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { ProviderRegistry } from '../src/providers/provider-registry.js';
import type { ShadowReport } from '../src/shadow/report.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';

const ROUTE = 'support-assistant';
const TOOLS = [
  {
    type: 'function' as const,
    function: {
      name: 'lookup_order',
      description: 'Look an order up',
      parameters: { type: 'object', properties: { id: { type: 'string' } } },
    },
  },
];

let server: RunningServer | undefined;
let store: Store | undefined;
let sim: SimServer | undefined;
let upstream: WireServer | undefined;
let extra: Gateway | undefined;
afterEach(async () => {
  await extra?.close();
  await server?.close();
  await store?.close();
  await upstream?.close();
  await sim?.close();
  server = store = sim = upstream = extra = undefined;
});

function tagged(text: string, tag: string): string {
  return new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`, 'u').exec(text)?.[1] ?? '';
}

function userText(body: unknown): string {
  const messages = (body as { messages?: { role: string; content: unknown }[] }).messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : '';
}

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);

/** How many of the reference's words the answer keeps. */
function overlap(answer: string, reference: string): number {
  const kept = words(answer);
  return [...words(reference)].filter((w) => kept.has(w)).length;
}

/**
 * The upstream the project talks to over HTTP: the simulator behind a real
 * server, fronted by a recorder that also plays the pairwise judge (the answer
 * keeping more of the suite's reference wins, equal ones tie: the same verdict
 * whichever answer comes first).
 */
async function startUpstream(dir: string): Promise<WireServer> {
  sim = await startSimServer({ engine: simEngineFor({ models: 'sim/models.yaml', seed: 7 }, dir), timeScale: 0 });
  const simUrl = sim.url;
  const items = suite(dir);
  return startWireServer(async (r, res) => {
    const user = userText(r.body);
    if (user.includes('<answer_a>')) {
      const question = tagged(user, 'input');
      const reference = items.find((i) => question.includes(i.input))?.reference ?? '';
      const [a, b] = [overlap(tagged(user, 'answer_a'), reference), overlap(tagged(user, 'answer_b'), reference)];
      const winner = a > b ? 'A' : b > a ? 'B' : 'tie';
      const content = JSON.stringify({ winner, reason: 'the more complete answer' });
      return sendJson(res, 200, {
        id: 'judge',
        object: 'chat.completion',
        created: 0,
        model: 'grader',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
    }
    const slice = r.headers['x-sluice-slice'];
    const up = await fetch(`${simUrl}${r.url.replace(/^\/v1/, '')}`, {
      method: r.method,
      headers: {
        'content-type': 'application/json',
        ...(typeof slice === 'string' ? { 'x-sluice-slice': slice } : {}),
      },
      body: r.text,
    });
    res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' });
    if (up.body) for await (const chunk of up.body) res.write(chunk);
    res.end();
  });
}

/** v1 gated and stable, v2 (helpful-v2: better except on refunds) registered beside it; every model call goes over HTTP. */
async function prepare() {
  const dir = rolloutProject();
  upstream = await startUpstream(dir);
  const cfg = join(dir, 'sluice.yaml');
  const prices =
    '{ helpful-v1: { input_per_mtok: 1, output_per_mtok: 2 }, helpful-v2: { input_per_mtok: 3, output_per_mtok: 6 } }';
  writeFileSync(
    cfg,
    readFileSync(cfg, 'utf8').replace(
      / {2}local: \{ kind: sim.*\}\n/,
      `  local: { kind: openai-compatible, base_url: "${upstream.url}/v1", retries: 0, prices: ${prices} }\n`,
    ),
  );
  const url = STORE_FACTORIES[0]!.freshUrl();
  const env = { SLUICE_DB: url };
  const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
  const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  const gate = await cli('gate', v1);
  expect(gate.code, gate.stdout + gate.stderr).toBe(0);
  expect((await cli('roll', v1, '--json')).code).toBe(0);
  releaseFor(dir, 'helpful-v2', v1);
  const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
  return { dir, url, env, v1, v2 };
}

/** Runs a shadow command in-process with --json; gives back its exit code and document. */
async function shadowCommand<T>(
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

async function until(what: string, done: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Item {
  id: string;
  slice: string;
  input: string;
  reference: string;
}

function suite(dir: string): Item[] {
  return readFileSync(join(dir, 'suites/support.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Item);
}

interface Answer {
  id: string;
  release: string | null;
  text: string;
}

/** One request through the official client, streamed or not; the response's id without its prefix is the pair's id. */
async function ask(client: OpenAI, item: Item, opts: { stream?: boolean; tools?: boolean } = {}): Promise<Answer> {
  const body = {
    model: ROUTE,
    user: `user-${item.id}`,
    messages: [{ role: 'user' as const, content: item.input }],
    metadata: { product: 'Acme Cloud' },
    ...(opts.tools ? { tools: TOOLS } : {}),
  };
  const headers = { headers: { 'x-sluice-slice': item.slice } };
  if (opts.stream) {
    const { data, response } = await client.chat.completions.create({ ...body, stream: true }, headers).withResponse();
    let text = '';
    let id = '';
    for await (const chunk of data) {
      id = chunk.id;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    return { id: id.replace(/^chatcmpl-/, ''), release: response.headers.get('x-sluice-release'), text };
  }
  const { data, response } = await client.chat.completions.create(body, headers).withResponse();
  return {
    id: data.id.replace(/^chatcmpl-/, ''),
    release: response.headers.get('x-sluice-release'),
    text: data.choices[0]?.message.content ?? '',
  };
}

const modelOf = (r: Received) => (r.body as { model?: string } | undefined)?.model;

describe('shadow traffic through the gateway (SQLite)', () => {
  it('mirrors stable answers to the shadow off the response path, stores the pairs, caps the spend and reports a win rate per slice', async () => {
    const { dir, url, env, v1, v2 } = await prepare();
    store = await openStore(url, dir);
    const config = loadProjectConfig(dir).value;
    server = await startServer({
      store,
      config,
      projectDir: dir,
      env: {},
      port: 0,
      tickMs: 100,
      pollMs: 50,
      observeTickMs: 300,
    });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });

    // Refusals: the stable is no shadow of itself, and the percent must be a share.
    await expect(shadowCommand(dir, env, (ctx) => runShadow(ctx, v1, {}))).rejects.toMatchObject({ code: 'refused' });
    await expect(shadowCommand(dir, env, (ctx) => runShadow(ctx, v2, { percent: '150' }))).rejects.toMatchObject({
      code: 'bad_usage',
    });

    const started = await shadowCommand<ShadowStatus>(dir, env, (ctx) =>
      runShadow(ctx, v2.slice(7, 19), { percent: '100' }),
    );
    expect(started).toEqual({ code: 0, json: { route: ROUTE, stable: v1, shadow: v2, percent: 100 } });
    const startReceipts = await shadowCommand<{ subject: string; actor: string; predicate: object }[]>(
      dir,
      env,
      (ctx) => runAuditLog(ctx, { kind: 'shadow-start' }),
    );
    expect(startReceipts.json).toMatchObject([
      {
        subject: v2,
        actor: 'tester',
        predicate: { actor: 'tester', route: ROUTE, what: { percent: 100, stable: v1 } },
      },
    ]);
    await until('the gateway to load the shadow', () => server!.routes.lookup(ROUTE)?.shadow?.release.id === v2);

    // Every suite item once, the account items again streamed, one with tools.
    const items = suite(dir);
    const answers: Answer[] = [];
    for (const item of items) answers.push(await ask(client, item));
    for (const item of items.filter((i) => i.slice === 'account'))
      answers.push(await ask(client, item, { stream: true }));
    answers.push(await ask(client, items[0]!, { tools: true }));
    await server.gateway.flush();

    // Users only ever see the stable release and its answer.
    for (const a of answers) expect(a.release).toBe(v1);
    const pairs = await store.shadowPairs({ route: ROUTE, shadowRelease: v2 });
    expect(pairs).toHaveLength(answers.length);
    const byId = new Map(pairs.map((p) => [p.id, p]));
    for (const a of answers) {
      const pair = byId.get(a.id);
      expect(pair, a.id).toBeDefined();
      expect(pair!).toMatchObject({ stableRelease: v1, shadowRelease: v2, stableOutput: a.text });
      if (pair!.shadowOutput !== pair!.stableOutput) expect(a.text).not.toBe(pair!.shadowOutput);
    }
    expect(pairs.some((p) => p.shadowOutput !== p.stableOutput)).toBe(true);
    expect(new Set(pairs.map((p) => p.slice))).toEqual(new Set(['account', 'billing', 'billing/refunds', 'shipping']));
    expect(pairs.every((p) => p.shadowCostUsd > 0 && p.stableCostUsd > 0)).toBe(true);

    // The upstream sees every shadow call marked, and no stable call; tools are kept (strip_tools is off).
    const answered = upstream!.received.filter((r) => r.url.endsWith('/chat/completions'));
    const shadowCalls = answered.filter((r) => modelOf(r) === 'helpful-v2');
    const stableCalls = answered.filter(
      (r) => modelOf(r) === 'helpful-v1' && r.headers['x-sluice-shadow'] === undefined,
    );
    expect(shadowCalls).toHaveLength(answers.length);
    expect(shadowCalls.every((r) => r.headers['x-sluice-shadow'] === '1')).toBe(true);
    expect(
      answered.filter((r) => modelOf(r) !== 'helpful-v2').every((r) => r.headers['x-sluice-shadow'] === undefined),
    ).toBe(true);
    expect(stableCalls.length).toBeGreaterThanOrEqual(answers.length);
    expect(shadowCalls.filter((r) => (r.body as { tools?: unknown[] }).tools?.length === 1)).toHaveLength(1);

    // A second gateway on the same routes with shadow.max_requests_per_minute 3 and shadow.strip_tools on.
    extra = createGateway({
      routes: server.routes,
      providers: new ProviderRegistry(config, { projectDir: dir, env: {} }),
      store,
      shadow: { maxPerMinute: 3, stripTools: true },
    });
    const capped = new OpenAI({ baseURL: `${(await extra.listen()).url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const seen = upstream!.received.length;
    const burst: Answer[] = [];
    for (const item of items.slice(0, 12)) burst.push(await ask(capped, item, { tools: true }));
    await extra.flush();
    for (const a of burst) expect(a.release).toBe(v1);
    const after = await store.shadowPairs({ route: ROUTE, shadowRelease: v2 });
    const burstIds = new Set(burst.map((a) => a.id));
    expect(after.filter((p) => burstIds.has(p.id))).toHaveLength(3);
    expect(extra.shadow!.stats).toMatchObject({ mirrored: 3, dropped: 9 });
    expect(await extra.metrics.text()).toMatch(/sluice_gateway_shadow_dropped_total\{reason="rate_limit"\} 9/);
    const cappedCalls = upstream!.received.slice(seen).filter((r) => r.url.endsWith('/chat/completions'));
    expect(cappedCalls.filter((r) => modelOf(r) === 'helpful-v2')).toHaveLength(3);
    expect(
      cappedCalls
        .filter((r) => modelOf(r) === 'helpful-v2')
        .every((r) => (r.body as { tools?: unknown }).tools === undefined && r.headers['x-sluice-shadow'] === '1'),
    ).toBe(true);
    expect(
      cappedCalls
        .filter((r) => modelOf(r) === 'helpful-v1')
        .every((r) => (r.body as { tools?: unknown[] }).tools?.length === 1),
    ).toBe(true);

    // The report: every pair judged in both orders, a win rate with an interval per slice.
    const md = join(dir, 'shadow.md');
    const html = join(dir, 'shadow.html');
    const { json: report } = await shadowCommand<ShadowReport>(dir, env, (ctx) =>
      runShadowReport(ctx, { markdown: md, html }),
    );
    expect(report).toMatchObject({
      route: ROUTE,
      shadowRelease: v2,
      stableReleases: [v1],
      method: 'pairwise',
      judge: 'quality',
      refusalDetector: 'refusal',
      judgeErrors: 0,
    });
    expect(report.pairs).toBe(after.length);
    expect(report.judged).toBe(after.length);
    const pairwiseCalls = upstream!.received.filter((r) => userText(r.body).includes('<answer_a>'));
    expect(pairwiseCalls).toHaveLength(2 * after.length);
    expect(report.slices.map((s) => s.slice)).toEqual(['account', 'billing', 'billing/refunds', 'shipping']);
    for (const s of [report.overall, ...report.slices]) {
      expect(s.judged.n).toBeGreaterThan(0);
      expect(s.judged.winRate).not.toBeNull();
      expect(s.judged.ci!.lower).toBeLessThanOrEqual(s.judged.winRate!);
      expect(s.judged.ci!.upper).toBeGreaterThanOrEqual(s.judged.winRate!);
      expect(s.meanCostUsd!.delta).toBeGreaterThan(0);
    }
    // helpful-v2 keeps more of each reference answer, except on refunds, where it loses most of it.
    const refunds = report.slices.find((s) => s.slice === 'billing/refunds')!;
    expect(refunds.judged.stableWins).toBe(refunds.judged.n);
    expect(refunds.judged.ci!.upper).toBeLessThan(0.5);
    expect(report.slices.find((s) => s.slice === 'account')!.judged.stableWins).toBe(0);
    expect(readFileSync(md, 'utf8')).toMatch(
      /\n\| billing\/refunds \| 15 \| 15 \| 0 \/ 15 \/ 0 \| 0 \| 0\.00 \\\[0\.00, 0\.20\\\] \| worse \|/,
    );
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|https?:\/\//);
    expect(page).toContain('data-slice="billing/refunds"');

    // Stopped: the gateway drops the shadow, and no more pairs are stored.
    const stopped = await shadowCommand<ShadowStatus & { stopped: string }>(dir, env, (ctx) =>
      runShadow(ctx, undefined, { stop: true }),
    );
    expect(stopped.json).toMatchObject({ route: ROUTE, shadow: null, stopped: v2 });
    const stopReceipts = await shadowCommand<{ subject: string; actor: string }[]>(dir, env, (ctx) =>
      runAuditLog(ctx, { kind: 'shadow-stop' }),
    );
    expect(stopReceipts.json).toMatchObject([{ subject: v2, actor: 'tester' }]);
    await until('the gateway to drop the shadow', () => server!.routes.lookup(ROUTE)?.shadow === undefined);
    await ask(client, items[1]!);
    await server.gateway.flush();
    expect(await store.shadowPairs({ route: ROUTE })).toHaveLength(after.length);
    // The report still reads the last shadow's pairs.
    const again = await shadowCommand<ShadowReport>(dir, env, (ctx) => runShadowReport(ctx, {}));
    expect(again.json).toMatchObject({ shadowRelease: v2, pairs: after.length });
    expect(existsSync(md)).toBe(true);
  }, 30_000);
});
