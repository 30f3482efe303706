// Dashboard budget: the first render of each page <= 1 s in headless Chromium (playwright-core) on a
// project with 10,000 releases, 100,000 receipts and a rollout that served 1,000,000 requests; the
// built assets <= 300 KB gzipped. The project is the example's, registered and gated for real (two
// releases), then seeded directly in the store: releases, receipts, the rollout's arm intervals and
// observed samples. Served by `sluice ui` (the same reads as `sluice serve`).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { main } from '../dist/app/cli/main.js';
import { EXAMPLE_DIR } from '../dist/app/demo/demo.js';
import { Project } from '../dist/app/project.js';
import { startUi } from '../dist/app/server/start-ui.js';
import { UI_DIR } from '../dist/app/ui/ui-assets.js';
import { loadProjectConfig } from '../dist/config/load-config.js';
import { openStore } from '../dist/store/open-store.js';
import { median, report, row } from './support.js';

const ROUTE = 'legal-assistant';
const RELEASES = 10_000;
const RECEIPTS = 100_000;
const REQUESTS = 1_000_000;
const root = mkdtempSync(join(tmpdir(), 'sluice-bench-dashboard-'));
const dir = join(root, 'project');
cpSync(EXAMPLE_DIR, dir, { recursive: true, filter: (src) => !src.includes('/.sluice') });
const quiet = {
  stdout: () => {},
  stderr: (t) => process.stderr.write(t),
  env: { SLUICE_ACTOR: 'bench' },
  cwd: dir,
  isTTY: false,
};
const cli = async (...args) => {
  let out = '';
  const code = await main([...args, '--json'], { ...quiet, stdout: (t) => (out += t) });
  if (code !== 0 && code !== 1 && code !== 3) throw new Error(`sluice ${args.join(' ')} exited ${code}`);
  return out ? JSON.parse(out) : null;
};

// Two real releases, gated on the serving path, and a rollout of the second.
const v1 = (await cli('register', 'releases/v1.yaml')).id;
await cli('gate', v1);
await cli('roll', v1);
const v2 = (await cli('register', 'releases/s4-ipcollapse.yaml')).id;
await cli('gate', v2, '--force-gate-override', '--override-reason', 'bench');
await cli('roll', v2);

const config = loadProjectConfig(dir).value;
const store = await openStore(`sqlite:${join(dir, '.sluice', 'sluice.db')}`, dir);
const project = new Project({ config, store, projectDir: dir, env: {} });
const hex = (s) => createHash('sha256').update(s).digest('hex');
const base = (await store.getRelease(v1)).manifest;

// 10,000 releases of the route, each its own model name against v1.
for (let i = 0; i < RELEASES; i += 1000)
  await store.transaction(async (tx) => {
    for (let j = i; j < Math.min(RELEASES, i + 1000); j++)
      await tx.insertRelease({
        id: `sha256:${hex(`bench-${j}`)}`,
        name: ROUTE,
        manifest: {
          ...base,
          model: { ...base.model, name: `bench-model-${j}` },
          metadata: { ...base.metadata, version: `2.${j}.0` },
        },
        baseline: v1,
        changes: ['model'],
        actor: `engineer-${j % 17}`,
        createdAt: new Date(Date.UTC(2026, 0, 1) + j * 60_000).toISOString(),
      });
  });

// The log up to 100,000 receipts, appended through the ledger in batches (signed, with checkpoints).
const size = await store.auditSize();
for (let i = size; i < RECEIPTS; i += 500)
  await project.ledger.record(
    Array.from({ length: Math.min(500, RECEIPTS - i) }, (_, k) => ({
      kind: 'step',
      subject: v2,
      actor: 'controller',
      at: new Date(),
      route: ROUTE,
      what: { step: (i + k) % 3, weight: 25 },
      why: ['dwell and min_requests met'],
    })),
  );

// The rollout's arm intervals: 1,000,000 requests over a day of 10 s intervals, canary at its weight.
const rollout = await store.latestRollout(ROUTE);
const intervals = 8640;
const start = Date.now() - intervals * 10_000;
const perInterval = Math.round(REQUESTS / intervals);
for (let i = 0; i < intervals; i += 1000) {
  const rows = [];
  for (let j = i; j < Math.min(intervals, i + 1000); j++) {
    const canary = Math.round(perInterval * (j < intervals / 3 ? 0.05 : j < (2 * intervals) / 3 ? 0.25 : 1));
    for (const [arm, count] of [
      ['canary', canary],
      ['stable', perInterval - canary],
    ])
      if (count > 0)
        rows.push({
          route: ROUTE,
          rolloutId: rollout.rolloutId,
          arm,
          intervalStart: new Date(start + j * 10_000).toISOString(),
          count,
          errors: arm === 'canary' ? j % 7 : j % 11,
          latencyP50: 40,
          latencyP95: 120,
          tokens: count * 300,
          costUsd: count * 0.0001,
          gatewayId: 'bench',
        });
  }
  await store.putArmIntervals(rows);
}
// The observer's judged samples of the candidate over the last hour, four slices.
const slices = ['legal/contracts', 'legal/ip-licensing', 'fr/fr-BE', 'medical/adult-cardiology'];
const samples = Array.from({ length: 20_000 }, (_, i) => ({
  id: `s-${i}`,
  route: ROUTE,
  releaseId: v2,
  slice: slices[i % 4],
  at: Date.now() - 3_600_000 + i * 180,
  quality: 0.6 + ((i * 7919) % 100) / 400,
  judgeError: false,
  flags: { refusal: false, dates: false },
}));
for (let i = 0; i < samples.length; i += 2000) await store.insertObserveSamples(samples.slice(i, i + 2000));

const ui = await startUi(project, { port: 0, host: '127.0.0.1' });
// What each page's main read costs on the server, for the record (no budget of its own).
const apiRows = [];
for (const path of [
  '/releases?limit=50',
  `/releases/${v2}`,
  `/releases/${v2}/gate/items?limit=10`,
  `/routes/${ROUTE}/timeline`,
  `/routes/${ROUTE}/observe`,
  '/audit?limit=25',
]) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await fetch(`${ui.url}/api/v1${path}`);
    await r.arrayBuffer();
    times.push(performance.now() - t);
  }
  apiRows.push(
    row(`GET ${path.split('?')[0].replace(v2, 'ID')} on the server (median of 3)`, Math.round(median(times)), 'ms'),
  );
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const pages = [
  ['releases', '#/releases', 'table.releases tbody tr'],
  ['release', `#/release/${v2}`, '.diff'],
  ['gate', `#/gate/${v2}`, '.slice-row'],
  ['rollout', `#/rollout/${ROUTE}`, '.uplot'],
  ['observe', `#/observe/${ROUTE}`, '.uplot'],
  ['audit', '#/audit', 'tbody tr'],
];
const rows = [];
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
for (const [name, hash, ready] of pages) {
  const times = [];
  for (let run = 0; run < 5; run++) {
    const page = await context.newPage();
    const t = performance.now();
    await page.goto(`${ui.url}/ui/${hash}`);
    await page.locator(ready).first().waitFor({ timeout: 30_000 });
    times.push(performance.now() - t);
    await page.close();
  }
  const first = Math.round(times[0]);
  const typical = Math.round(median(times));
  rows.push(
    row(
      `first render of ${name}, 10,000 releases / 100,000 receipts / 1,000,000 requests (first load ${first} ms; median of 5)`,
      typical,
      'ms',
      '<= 1000',
      typical <= 1000 && first <= 1000,
    ),
  );
}
await browser.close();
await ui.close();
await store.close();

const files = (d) =>
  readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
const weight = files(UI_DIR).reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
rows.push(...apiRows);
rows.push(
  row('dashboard assets, gzipped in all', Math.round(weight / 102.4) / 10, 'KB', '<= 300', weight <= 300 * 1024),
);
rmSync(root, { recursive: true, force: true });
report(rows);
