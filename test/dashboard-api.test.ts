import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { newToken } from '../src/app/api/tokens.js';
import { Project } from '../src/app/project.js';
import { startServer, type RunningServer } from '../src/app/server/start-server.js';
import { startUi, type RunningUi } from '../src/app/server/start-ui.js';
import { verifyInclusion } from '../src/audit/tlog/merkle-verify.js';
import { leafHash } from '../src/audit/tlog/merkle-hash.js';
import { scoreSubject } from '../src/judging/score-cache.js';
import { loadProjectConfig } from '../src/config/load-config.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';
import { spawnTracked } from './support/tracked-child.js';

let server: RunningServer | undefined;
let ui: RunningUi | undefined;
let store: Store | undefined;
afterEach(async () => {
  await ui?.close();
  await server?.close();
  await store?.close();
  ui = server = store = undefined;
});

const ROUTE = 'support-assistant';
const openApi = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.object({ 'x-sluice-role': z.string().optional() }))),
});

/** A project with a stable release and a gated candidate, on a fresh SQLite store. */
async function project() {
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
  return { dir, url, v1, v2, store, config: loadProjectConfig(dir).value };
}

async function withTokens(s: Store) {
  const tokens = { viewer: newToken(), operator: newToken(), approver: newToken() };
  for (const [role, t] of Object.entries(tokens)) await s.putToken({ hash: t.hash, name: `${role}-ana`, role });
  return tokens;
}

describe('the control API behind the dashboard', () => {
  it('documents every endpoint it answers in /api/v1/openapi.json, and refuses each change to a role that may not make it', async () => {
    const p = await project();
    server = await startServer({
      ...p,
      projectDir: p.dir,
      env: {},
      port: 0,
      tickMs: 100,
      pollMs: 100,
      simTimeScale: 0,
    });
    const tokens = await withTokens(p.store);
    const call = (method: string, path: string, token?: string) =>
      fetch(`${server!.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(method === 'POST' ? { body: '{"reason": "checking the role"}' } : {}),
      });
    const doc = openApi.parse(await (await call('GET', '/api/v1/openapi.json')).json());
    const concrete = (path: string) =>
      path.replace('{route}', ROUTE).replace('{id}', p.v2.slice(7, 19)).replace('{hook}', 'event');
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), role: op['x-sluice-role'] })),
    );
    expect(operations.length).toBeGreaterThan(15);
    for (const { path, method, role } of operations) {
      if (path === '/api/v1/openapi.json') continue;
      const viewer = await call(method, concrete(path), tokens.viewer.token);
      if (role === 'viewer' && method === 'POST') {
        // Flagger's webhooks only read: answered (here a 400 for a payload that is not Flagger's), never unknown.
        expect(viewer.status, `${method} ${path}`).not.toBe(404);
        continue;
      }
      if (method === 'GET') expect(viewer.status, `${method} ${path}`).toBe(200);
      else {
        // Every change is refused to a viewer, before anything is done.
        expect(viewer.status, `${method} ${path}`).toBe(403);
        expect(await viewer.json()).toMatchObject({ error: { code: 'forbidden' } });
        if (role === 'approver') expect((await call(method, concrete(path), tokens.operator.token)).status).toBe(403);
      }
      expect((await call(method, concrete(path))).status, `${method} ${path} without a token`).toBe(401);
    }
    // What the document leaves out, the server does not answer.
    for (const [method, path] of [
      ['GET', `/api/v1/routes/${ROUTE}/secrets`],
      ['POST', `/api/v1/routes/${ROUTE}/status`],
      ['DELETE', '/api/v1/releases'],
      ['GET', '/api/v2/releases'],
    ] as const) {
      const r = await call(method, path, tokens.approver.token);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(await r.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    const override = operations.find((o) => o.path.endsWith('/gate/override'));
    expect(override).toMatchObject({ method: 'POST', role: 'approver' });
    expect(operations.find((o) => o.path.endsWith('/rollback'))).toMatchObject({ role: 'operator' });
  });

  it('answers the pages’ reads paged and summarised: releases, a line diff, gate items from the cache, the audit log with proofs', async () => {
    const p = await project();
    server = await startServer({
      ...p,
      projectDir: p.dir,
      env: {},
      port: 0,
      tickMs: 100,
      pollMs: 100,
      simTimeScale: 0,
    });
    const get = async (path: string) => {
      const r = await fetch(`${server!.url}/api/v1${path}`);
      expect(r.status, path).toBe(200);
      return (await r.json()) as Record<string, unknown>;
    };
    const page = z
      .object({ total: z.number(), releases: z.array(z.object({ id: z.string(), stable: z.boolean() })) })
      .parse(await get('/releases?limit=1'));
    expect(page.total).toBe(2);
    expect(page.releases.map((r) => r.id)).toEqual([p.v2]);
    const older = z
      .object({ releases: z.array(z.object({ id: z.string(), stable: z.boolean() })) })
      .parse(await get('/releases?limit=1&offset=1'));
    expect(older.releases).toEqual([expect.objectContaining({ id: p.v1, stable: true })]);
    expect((await fetch(`${server.url}/api/v1/releases?limit=100000`)).status).toBe(400);

    const detail = z
      .object({
        weights: z.unknown(),
        diff: z.array(
          z.object({
            component: z.string(),
            changed: z.boolean(),
            texts: z.array(z.object({ lines: z.array(z.object({ op: z.string(), text: z.string() })) })),
          }),
        ),
      })
      .parse(await get(`/releases/${p.v2.slice(7, 19)}`));
    expect(detail.weights).toBe('not-claimed');
    const model = detail.diff.find((d) => d.component === 'model')!;
    expect(model.changed).toBe(true);
    const lines = model.texts[0]!.lines;
    expect(
      lines
        .filter((l) => l.op === '+')
        .map((l) => l.text)
        .join(),
    ).toContain('helpful-v3');
    expect(lines.filter((l) => l.op === '-').length).toBe(1);
    expect(detail.diff.find((d) => d.component === 'prompt')!.changed).toBe(false);

    const items = z
      .object({
        total: z.number(),
        items: z.array(
          z.object({
            slice: z.string(),
            delta: z.number().nullable(),
            candidate: z.object({ answer: z.string(), score: z.number().nullable() }).nullable(),
            baseline: z.object({ answer: z.string(), score: z.number().nullable() }).nullable(),
          }),
        ),
      })
      .parse(await get(`/releases/${p.v2.slice(7, 19)}/gate/items?limit=5`));
    expect(items.items).toHaveLength(5);
    expect(items.total).toBeGreaterThan(5);
    for (const it of items.items) {
      expect(it.candidate?.answer.length).toBeGreaterThan(0);
      expect(it.baseline?.answer.length).toBeGreaterThan(0);
      expect(it.candidate?.score).not.toBeNull();
    }
    const deltas = items.items.map((i) => i.delta!);
    expect([...deltas].sort((a, b) => a - b)).toEqual(deltas);
    const slice = items.items[0]!.slice.split('/')[0]!;
    const filtered = z
      .object({ items: z.array(z.object({ slice: z.string() })) })
      .parse(await get(`/releases/${p.v2.slice(7, 19)}/gate/items?slice=${encodeURIComponent(slice)}`));
    expect(filtered.items.every((i) => i.slice === slice || i.slice.startsWith(`${slice}/`))).toBe(true);

    const audit = z
      .object({
        size: z.number(),
        checkpoint: z.object({ size: z.number(), note: z.string() }),
        receipts: z.array(
          z.object({
            index: z.number(),
            leaf: z.string(),
            proof: z.object({ size: z.number(), hashes: z.array(z.string()) }),
          }),
        ),
      })
      .parse(await get('/audit?limit=2'));
    expect(audit.receipts.map((r) => r.index)).toEqual([audit.size - 1, audit.size - 2]);
    const root = Buffer.from(audit.checkpoint.note.split('\n')[2]!, 'base64');
    for (const r of audit.receipts) {
      const proof = r.proof.hashes.map((h) => Buffer.from(h, 'base64'));
      expect(verifyInclusion(leafHash(Buffer.from(r.leaf, 'base64')), r.index, r.proof.size, proof, root).ok).toBe(
        true,
      );
    }
  });

  it("counts a shadow's wins per slice by the judge's stored scores and pages the pairs behind them", async () => {
    const p = await project();
    const projectParts = new Project({ config: p.config, store: p.store, projectDir: p.dir, env: {} });
    const judge = projectParts.judges.judge!;
    const pair = (i: number, slice: string, stable: number, shadow: number) => ({
      pair: {
        id: `pair-${i}`,
        route: ROUTE,
        stableRelease: p.v1,
        shadowRelease: p.v2,
        slice,
        stickyHash: null,
        input: `question ${i}`,
        stableOutput: `stable answer ${i}`,
        shadowOutput: `shadow answer ${i}`,
        stableLatencyMs: 10,
        shadowLatencyMs: 12,
        stableCostUsd: 0,
        shadowCostUsd: 0,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      },
      scores: [
        [`stable answer ${i}`, stable],
        [`shadow answer ${i}`, shadow],
      ] as const,
    });
    // billing: the shadow wins 2 of 3; account: one tie and one pair the judge has not scored.
    const pairs = [
      pair(1, 'billing', 0.5, 0.8),
      pair(2, 'billing', 0.6, 0.9),
      pair(3, 'billing', 0.9, 0.4),
      pair(4, 'account', 0.7, 0.7),
      pair(5, 'account', -1, -1),
    ];
    await p.store.insertShadowPairs(pairs.map((x) => x.pair));
    await p.store.putJudgeScores(
      judge.digest,
      pairs.flatMap((x) =>
        x.scores
          .filter(([, score]) => score >= 0)
          .map(([output, score]) => ({
            subject: scoreSubject({ input: x.pair.input, output }),
            result: { ok: true as const, score },
          })),
      ),
    );
    ui = await startUi(projectParts, { port: 0, host: '127.0.0.1' });
    const view = z
      .object({
        slices: z.array(
          z.object({
            slice: z.string(),
            pairs: z.number(),
            judged: z.number(),
            shadow_wins: z.number(),
            stable_wins: z.number(),
            ties: z.number(),
            win_rate: z.number().nullable(),
          }),
        ),
        total: z.number(),
        pairs: z.array(z.object({ id: z.string(), winner: z.string().nullable() })),
      })
      .parse(await (await fetch(`${ui.url}/api/v1/routes/${ROUTE}/shadow/pairs?release=${p.v2}&limit=2`)).json());
    expect(view.slices).toEqual([
      { slice: 'account', pairs: 2, judged: 1, shadow_wins: 0, stable_wins: 0, ties: 1, win_rate: 0.5 },
      { slice: 'billing', pairs: 3, judged: 3, shadow_wins: 2, stable_wins: 1, ties: 0, win_rate: 2 / 3 },
    ]);
    expect(view.total).toBe(5);
    // Newest first, one page.
    expect(view.pairs.map((x) => ({ id: x.id, winner: x.winner }))).toEqual([
      { id: 'pair-5', winner: null },
      { id: 'pair-4', winner: 'tie' },
    ]);
  });

  it('runs `sluice ui --port 0` from the package: the dashboard and its reads, stopped by SIGTERM', async () => {
    const p = await project();
    await p.store.close();
    store = undefined;
    const proc = spawnTracked(
      process.execPath,
      [join(import.meta.dirname, '..', 'bin', 'sluice.js'), 'ui', '--port', '0', '--json'],
      { cwd: p.dir, env: { ...process.env, SLUICE_DB: p.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"url":\s*"([^"]+)"/.exec(out);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) => reject(new Error(`sluice ui exited ${code} before it served`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ui\/$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)![1]!;
    const js = await fetch(new URL(script, url));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const routes = z
      .object({ routes: z.array(z.object({ route: z.string() })) })
      .parse(await (await fetch(new URL('/api/v1/routes', url))).json());
    expect(routes.routes.map((r) => r.route)).toEqual([ROUTE]);
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('serves `sluice ui` read-only: reads answer, every change is refused even with no token', async () => {
    const p = await project();
    ui = await startUi(new Project({ config: p.config, store: p.store, projectDir: p.dir, env: {} }), {
      port: 0,
      host: '127.0.0.1',
    });
    expect((await fetch(`${ui.url}/api/v1/routes/${ROUTE}/status`)).status).toBe(200);
    expect(await (await fetch(`${ui.url}/api/v1/session`)).json()).toMatchObject({ role: 'viewer', read_only: true });
    const rollback = await fetch(`${ui.url}/api/v1/routes/${ROUTE}/rollback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"reason": "from the read-only view"}',
    });
    expect(rollback.status).toBe(403);
    const status = z
      .object({ phase: z.string() })
      .parse(await (await fetch(`${ui.url}/api/v1/routes/${ROUTE}/status`)).json());
    expect(status.phase).not.toBe('rolled_back');
    const page = await fetch(`${ui.url}/ui/`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
