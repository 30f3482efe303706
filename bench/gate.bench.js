// Gate budgets against a local mock upstream:
//   10,000 items at concurrency 64 in <= 20 s; a cached re-run of them in <= 3 s
//   with no provider calls; <= 1 ms of gate overhead per item beyond provider
//   time; <= 300 MB peak RSS for 100,000 items. Plus promptfoo side by side.
//
// The upstream is Sluice's simulator behind its OpenAI-compatible HTTP API on
// 127.0.0.1 (bench/gate/upstream.js), in its own process, timeScale 0: no
// simulated latency, each answer (the item's reference degraded to quality
// 0.86, 2% hedges, 1% invented dates) is sent as soon as it is computed. The
// project's provider is `kind: openai-compatible` pointing at it with
// max_concurrency 64; the judge is `reference` (token F1, no LLM), detectors
// refusal and date-validity, no anchors (bench/gate/project.js).
//
// Rows:
// - "10,000 items": runGate in-process on a fresh store, wall time from the
//   call to its return (suite parse, serving, judging, cache writes).
// - "cached re-run": the same release again on the same store; every output
//   and score comes from the cache, and providerCalls must be 0.
// - "gate overhead per item": (gate wall time − upstream-only time) / items,
//   where upstream-only time is the same 10,000 request bodies sent straight
//   to the upstream with undici at concurrency 64 (bench/gate/direct.js); it is
//   measured before and after the gate run and the shorter time is used.
// - "memory for 100,000 items": a separate process (bench/gate/memory-run.js)
//   gates a registered 100,000-item release on a fresh store, nothing cached
//   (the cached path is not used), sampling process.memoryUsage().rss every
//   10 ms. It is stopped after SLUICE_BENCH_MEMORY_LIMIT_S seconds (default
//   240); the row then reports the peak so far and fails, and the next row
//   says how many items were done.
// - promptfoo side by side: the first 1,000 items (SLUICE_BENCH_PROMPTFOO_ITEMS)
//   through `promptfoo eval -j 64 --no-cache` against the same upstream with a
//   token-F1 `javascript` assertion (bench/gate/promptfoo.js), and the same
//   items through `sluice gate --concurrency 64` on a fresh store; both are
//   whole CLI processes, wall time. Skipped (value null) without promptfoo.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseSuite } from '../dist/gate/suite.js';
import { loadServingRelease } from '../dist/serving/serving-release.js';
import { requestsFor, runDirect } from './gate/direct.js';
import { gate, openProject, register } from './gate/gate-run.js';
import { suiteText, writeConfig, writeProject, writeRelease } from './gate/project.js';
import { promptfooBin, runPromptfoo, writePromptfooConfig } from './gate/promptfoo.js';
import { report, row } from './support.js';

const root = join(import.meta.dirname, '..');
const ITEMS = 10_000;
const LARGE = 100_000;
const CONCURRENCY = 64;
const WARMUP = 2_000;
const MEMORY_LIMIT_S = Number(process.env.SLUICE_BENCH_MEMORY_LIMIT_S ?? 240);
const PF_ITEMS = Number(process.env.SLUICE_BENCH_PROMPTFOO_ITEMS ?? 1_000);

const rows = [];
const log = (msg) => process.stderr.write(`  [gate] ${msg}\n`);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const gc = () => globalThis.gc?.();

const tmp = mkdtempSync(join(tmpdir(), 'sluice-gate-bench-'));
const dir = join(tmp, 'project');
let upstream;

async function startUpstream() {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'gate/upstream.js'), dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the upstream exited (${code}) before listening`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { child, url: JSON.parse(line).url };
}

function stopUpstream() {
  if (!upstream) return;
  upstream.child.stdin.end();
  const { child } = upstream;
  setTimeout(() => child.exitCode === null && child.kill('SIGTERM'), 2000).unref();
}

/** Runs the memory child; stops it (by its pid) after MEMORY_LIMIT_S. Resolves to its last status line. */
function memoryRun(storeUrl, id) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, 'gate/memory-run.js'), dir, storeUrl, id, String(CONCURRENCY)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let last = null;
    createInterface({ input: child.stdout }).on('line', (l) => {
      try {
        last = JSON.parse(l);
      } catch {
        // not a status line
      }
    });
    const timer = setTimeout(() => {
      log(`memory run still going after ${MEMORY_LIMIT_S} s (${last?.done ?? 0} items done); stopping it`);
      child.kill('SIGKILL');
    }, MEMORY_LIMIT_S * 1000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(last);
    });
  });
}

try {
  // The project: starter example, 100,000 generated items over 20 slices; the
  // gated suite is the first 10,000 of them.
  writeProject(root, dir, { items: ITEMS, largeItems: LARGE });
  upstream = await startUpstream();
  log(`upstream ${upstream.url}`);
  writeConfig(dir, upstream.url);
  writeRelease(dir, 'release.yaml', 'suites/support.jsonl');
  writeRelease(dir, 'release-large.yaml', 'suites/large.jsonl');

  const project = await openProject(dir);
  const record = await register(project, 'release.yaml');
  const serving = await loadServingRelease(project.store, record);
  const suite = parseSuite('suites/support.jsonl', readFileSync(join(dir, 'suites/support.jsonl'), 'utf8'));
  const requests = requestsFor(serving, suite);
  const warm = requestsFor(
    serving,
    parseSuite('suites/large.jsonl', readFileSync(join(dir, 'suites/large.jsonl'), 'utf8')).slice(
      ITEMS,
      ITEMS + WARMUP,
    ),
  );

  // Upstream alone (after a warm-up), the gate, the upstream alone again.
  await runDirect(upstream.url, warm, CONCURRENCY);
  gc();
  const direct1 = await runDirect(upstream.url, requests, CONCURRENCY);
  log(`upstream only: ${round(direct1)} s`);
  gc();
  const first = await gate(project, record, CONCURRENCY);
  log(
    `gate: ${round(first.seconds)} s, ${first.providerCalls} provider calls, verdict ${first.result.verdict}, aggregate ${first.result.aggregate.score}`,
  );
  gc();
  const direct2 = await runDirect(upstream.url, requests, CONCURRENCY);
  log(`upstream only again: ${round(direct2)} s`);
  gc();
  const cached = await gate(project, record, CONCURRENCY);
  log(`cached: ${round(cached.seconds)} s, ${cached.providerCalls} provider calls`);
  await project.store.close();

  const firstOk = first.providerCalls === ITEMS && first.result.aggregate.n === ITEMS;
  rows.push(
    row('10,000 items at concurrency 64', round(first.seconds), 's', '<= 20 s', firstOk && first.seconds <= 20),
  );
  rows.push(
    row(
      'cached re-run of the 10,000 (providerCalls must be 0)',
      round(cached.seconds),
      's',
      '<= 3 s',
      cached.providerCalls === 0 && cached.seconds <= 3,
    ),
  );
  const upstreamOnly = Math.min(direct1, direct2);
  const overheadMs = ((first.seconds - upstreamOnly) * 1000) / ITEMS;
  rows.push(
    row('upstream only: the same 10,000 requests with undici at concurrency 64', round(upstreamOnly), 's', null, true),
  );
  rows.push(row('gate overhead per item beyond provider time', round(overheadMs, 3), 'ms', '<= 1 ms', overheadMs <= 1));

  // 100,000 items, in a process of its own, on a fresh store.
  const largeStore = `sqlite:${join(dir, '.sluice/large.db')}`;
  const large = await openProject(dir, largeStore);
  const largeRecord = await register(large, 'release-large.yaml');
  await large.store.close();
  gc();
  const mem = await memoryRun(largeStore, largeRecord.id);
  const peakMb = mem ? Math.max(mem.peakRssMb, mem.maxRssMb) : null;
  const finished = Boolean(mem?.final) && mem.items === LARGE;
  log(`memory run: ${JSON.stringify(mem)}`);
  rows.push(
    row(
      'memory for 100,000 items (peak RSS, uncached gate run)',
      peakMb,
      'MB',
      '<= 300 MB',
      finished && peakMb !== null && peakMb <= 300,
    ),
  );
  rows.push(
    row(
      `items gated in the 100,000-item memory run (limit ${MEMORY_LIMIT_S} s)`,
      mem?.done ?? 0,
      'items',
      `${LARGE} in <= ${MEMORY_LIMIT_S} s`,
      finished,
    ),
  );
  if (mem) rows.push(row('time for the 100,000-item memory run', round(mem.seconds, 1), 's', null, true));

  // promptfoo side by side on the first PF_ITEMS items.
  const bin = promptfooBin();
  const pfName = `promptfoo / Sluice wall time, ${PF_ITEMS.toLocaleString('en')} items at concurrency 64`;
  if (!bin) {
    rows.push(
      row(
        `${pfName} (skipped: promptfoo not found; set PROMPTFOO_BIN or npm install promptfoo in /tmp/pf)`,
        null,
        'x',
        null,
        true,
      ),
    );
  } else {
    writeFileSync(join(dir, 'suites/subset.jsonl'), suiteText(PF_ITEMS));
    writeRelease(dir, 'release-subset.yaml', 'suites/subset.jsonl');
    const subsetStore = `sqlite:${join(dir, '.sluice/subset.db')}`;
    const subset = await openProject(dir, subsetStore);
    const subsetRecord = await register(subset, 'release-subset.yaml');
    await subset.store.close();
    const t0 = process.hrtime.bigint();
    const cli = spawnSync(
      process.execPath,
      [
        join(root, 'bin/sluice.js'),
        '--project',
        dir,
        '--json',
        'gate',
        subsetRecord.id,
        '--concurrency',
        String(CONCURRENCY),
      ],
      {
        env: { ...process.env, SLUICE_DB: subsetStore },
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    const sluiceSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    let sluiceN = null;
    try {
      sluiceN = JSON.parse(cli.stdout).aggregate.n;
    } catch {
      log(`sluice gate CLI: ${cli.stderr.slice(0, 500)}`);
    }
    const items = suiteText(PF_ITEMS)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const pfDir = join(tmp, 'promptfoo');
    writePromptfooConfig(pfDir, {
      items,
      systemTemplate: serving.systemTemplate,
      upstreamUrl: upstream.url,
      model: serving.manifest.model.name,
    });
    const pf = await runPromptfoo(bin, pfDir, CONCURRENCY);
    const pfDone = pf.stats ? pf.stats.successes + pf.stats.failures : 0;
    log(
      `promptfoo: ${round(pf.seconds)} s, exit ${pf.code}, stats ${JSON.stringify(pf.stats && { successes: pf.stats.successes, failures: pf.stats.failures, errors: pf.stats.errors })}`,
    );
    log(`sluice gate CLI: ${round(sluiceSeconds)} s, ${sluiceN} items`);
    if (pfDone !== PF_ITEMS || pf.stats.errors !== 0 || sluiceN !== PF_ITEMS) {
      log(`promptfoo log tail: ${pf.log}`);
      rows.push(
        row(
          `${pfName} (skipped: promptfoo ran ${pfDone}/${PF_ITEMS} tests, ${pf.stats?.errors ?? '?'} errors; Sluice ${sluiceN ?? 'failed'})`,
          null,
          'x',
          null,
          true,
        ),
      );
    } else {
      rows.push(
        row(
          `promptfoo eval -j 64 --no-cache, ${PF_ITEMS.toLocaleString('en')} items (process wall time)`,
          round(pf.seconds),
          's',
          null,
          true,
        ),
      );
      rows.push(
        row(
          `sluice gate --concurrency 64, same ${PF_ITEMS.toLocaleString('en')} items (process wall time)`,
          round(sluiceSeconds),
          's',
          null,
          true,
        ),
      );
      rows.push(row(pfName, round(pf.seconds / sluiceSeconds), 'x', null, true));
    }
  }
} finally {
  stopUpstream();
  rmSync(tmp, { recursive: true, force: true });
}

report(rows);
