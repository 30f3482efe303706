// Rollback budget: from the command to every gateway process serving stable
// <= 1 s, measured with two processes on PostgreSQL.
//
// Setup: PostgreSQL at SLUICE_BENCH_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/test) in a fresh schema bench_<random>,
// dropped at the end; the gateway bench's upstream and project
// (bench/gateway/), store from env SLUICE_DB. v1 is registered and made stable;
// v2 (another model name on the same upstream) is registered and gated against
// it with --force-gate-override (the upstream answers one fixed text, so the
// verdict says nothing). Two `sluice serve --port 0` processes on the store,
// both with their controller (one holds the lease), defaults otherwise
// (controller tick 250 ms, route poll 250 ms, PostgreSQL LISTEN/NOTIFY).
//
// Each of SLUICE_BENCH_ROLLBACKS (default 5) repetitions: `sluice roll v2`
// (in-process) starts a canary; once both gateways answer some users from the
// canary (x-sluice-arm: canary; users found by probing, as the 5% bucket is
// drawn per rollout), each gateway is polled with requests for those users,
// one every 20 ms (light, so the pollers take little CPU from the CLI; the
// times below are good to about 20 ms), and
// `node bin/sluice.js rollback --reason bench` is started as a child process.
// A gateway is back on stable at the arrival of its first answer carrying v1
// in x-sluice-release after which no canary answer came. The time counted is
// from starting the CLI process to the later of the two gateways.
//
// Rows: that time, max and median of the repetitions (budget on the max), and
// where it goes (medians): the CLI process from start to exit, and its CPU
// time; from start to the route state in the store dropping the candidate
// (read every 10 ms by this process); from that change to the later gateway
// serving stable. And how many cores' worth of other processes ran meanwhile
// (bench/gateway/cpu.js): the CLI is CPU-bound, so a busy machine slows it.
//
// SLUICE_BENCH_CPU_PROF=DIR runs each `sluice rollback` under node --cpu-prof
// (profiles in DIR; bench/gateway/profile-top.js summarizes one).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { openStore } from '../dist/store/open-store.js';
import { cpuAccount, cpuMs } from './gateway/cpu.js';
import { SLUICE_BIN, startSluice, startUpstream } from './gateway/processes.js';
import { cli, makeProject, register, ROUTE, setModel } from './gateway/project.js';
import { median, report, row } from './support.js';

const BASE = process.env.SLUICE_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
const REPEATS = Number(process.env.SLUICE_BENCH_ROLLBACKS ?? 5);
const CANARY_USERS = 4;
const POLL_MS = 20;
const profDir = process.env.SLUICE_BENCH_CPU_PROF;
const log = (text) => process.stderr.write(`[rollback bench] ${text}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const r1 = (x) => Math.round(x * 10) / 10;

async function reachable() {
  const client = new pg.Client({ connectionString: BASE, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const messages = [{ role: 'user', content: 'How do I change my billing address?' }];

/** One chat completion for `user`: the release and arm that answered. */
async function ask(gatewayUrl, user) {
  const res = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: ROUTE, user, messages, metadata: { product: 'Acme Cloud' } }),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${gatewayUrl} answered ${res.status}`);
  return { release: res.headers.get('x-sluice-release'), arm: res.headers.get('x-sluice-arm'), at: performance.now() };
}

/** Users answered from the canary by every gateway (the controller may take a tick or two to apply the first step). */
async function canaryUsers(gateways, tag) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const found = [];
    for (let i = 0; i < 1000 && found.length < CANARY_USERS; i++) {
      const user = `${tag}-${i}`;
      if ((await ask(gateways[0], user)).arm === 'canary') found.push(user);
    }
    if (found.length === CANARY_USERS) {
      const everywhere = await Promise.all(
        gateways.map(async (g) => (await Promise.all(found.map((u) => ask(g, u)))).every((a) => a.arm === 'canary')),
      );
      if (everywhere.every(Boolean)) return found;
    }
    await sleep(100);
  }
  throw new Error('no gateway answered from the canary within 15 s');
}

/**
 * Polls one gateway with `users`, one request every POLL_MS (the next one at
 * once when an answer took longer), until stop(); stop() returns the answers.
 */
function poll(gatewayUrl, users) {
  const answers = [];
  let running = true;
  let n = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      answers.push(await ask(gatewayUrl, users[n++ % users.length]));
      const wait = POLL_MS - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
  })();
  return {
    answers,
    async stop() {
      running = false;
      await loop;
      return answers;
    },
  };
}

/** Arrival time of the first stable answer after the last canary one (null if never stable). */
function backOnStable(answers, stable, since) {
  let at = null;
  for (const a of answers) {
    if (a.at < since) continue;
    if (a.release === stable && a.arm === 'stable') at ??= a.at;
    else at = null;
  }
  return at;
}

const rows = [];
if (!(await reachable())) {
  log(`PostgreSQL at ${BASE} cannot be reached: skipped`);
  rows.push(
    row(`rollback to every gateway serving stable (skipped: no PostgreSQL at ${BASE})`, null, 'ms', '<= 1000 ms', null),
  );
  report(rows);
  process.exit(0);
}

const schema = `bench_${randomBytes(6).toString('hex')}`;
const url = `${BASE}${BASE.includes('?') ? '&' : '?'}schema=${schema}`;
const env = { SLUICE_DB: url };
const children = [];
let dir;
let store;
try {
  const upstream = await startUpstream();
  children.push(upstream);
  dir = makeProject(upstream.info.url);
  const v1 = await register(dir, env);
  await cli(dir, ['roll', v1, '--json'], env);
  setModel(dir, 'bench-model-b');
  const v2 = await register(dir, env);
  await cli(
    dir,
    [
      'gate',
      v2,
      '--force-gate-override',
      '--override-reason',
      'rollback bench: the upstream answers one fixed text',
      '--json',
    ],
    env,
  );

  const gateways = [];
  const pids = [upstream.pid];
  for (let i = 0; i < 2; i++) {
    const g = await startSluice(dir, { env });
    children.push(g);
    gateways.push(g.info);
    pids.push(g.pid);
  }
  store = await openStore(url, dir);

  const total = [];
  const cliMs = [];
  const storeMs = [];
  const lagMs = [];
  const cliCpu = [];
  const others = [];
  for (let rep = 1; rep <= REPEATS; rep++) {
    await cli(dir, ['roll', v2, '--json'], env);
    const users = await canaryUsers(gateways, `r${rep}`);
    const pollers = gateways.map((g) => poll(g, users));
    await sleep(200);

    let storeAt = null;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const s = (await store.getRouteStates()).find((r) => r.route === ROUTE);
        if (s && (s.candidate === null || s.weight === 0)) {
          storeAt = performance.now();
          return;
        }
        await sleep(10);
      }
    })();

    const acct = cpuAccount(pids);
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
        SLUICE_BIN,
        'rollback',
        '--reason',
        'bench',
        '--json',
      ],
      { cwd: dir, env: { ...process.env, SLUICE_ACTOR: 'bench', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // Its CPU time, read every 10 ms while it runs (the last reading is within 10 ms of its exit).
    let cpu = 0;
    const cpuTimer = setInterval(() => (cpu = cpuMs(child.pid) ?? cpu), 10);
    const code = await new Promise((r) => child.once('exit', r));
    const cliAt = performance.now();
    clearInterval(cpuTimer);
    if (code !== 0) throw new Error(`sluice rollback exited ${code}: ${out}`);

    // Wait until both gateways have answered stable for a while (or 5 s).
    const deadline = t0 + 5000;
    let at = [];
    while (performance.now() < deadline) {
      at = pollers.map((p) => backOnStable(p.answers, v1, t0));
      if (at.every((a) => a !== null && performance.now() - a > 300)) break;
      await sleep(20);
    }
    watching = false;
    await watcher;
    const used = acct.stop();
    const answers = await Promise.all(pollers.map((p) => p.stop()));
    at = answers.map((a) => backOnStable(a, v1, t0));
    const before = answers.map((a) => a.filter((x) => x.at < t0 && x.arm === 'canary').length);
    if (before.some((n) => n === 0)) throw new Error(`a gateway gave no canary answer before the rollback (${before})`);
    if (at.some((a) => a === null))
      throw new Error(`a gateway was not back on stable 5 s after the command: ${JSON.stringify(at)}`);

    const last = Math.max(...at);
    total.push(r1(last - t0));
    cliMs.push(r1(cliAt - t0));
    cliCpu.push(cpu);
    // Other processes' load: the machine's busy time less the gateways', upstream's, this process's and the CLI's.
    const otherCores = Math.max(0, Math.round((used.othersCores - cpu / used.wallMs) * 100) / 100);
    others.push(otherCores);
    if (storeAt !== null) {
      storeMs.push(r1(storeAt - t0));
      lagMs.push(r1(last - storeAt));
    }
    log(
      `rollback ${rep}: both gateways on stable after ${r1(last - t0)} ms (gateways ${at.map((a) => r1(a - t0)).join(', ')} ms; CLI exited at ${r1(cliAt - t0)} ms after ${cpu} ms of CPU; store changed at ${storeAt === null ? '?' : r1(storeAt - t0)} ms; ${answers.map((a) => a.length).join(' + ')} answers; other load ${otherCores} cores)`,
    );
    await sleep(300);
  }

  const worst = Math.max(...total);
  rows.push(
    row(
      `rollback command to both gateways serving stable (max of ${REPEATS})`,
      worst,
      'ms',
      '<= 1000 ms',
      worst <= 1000,
    ),
  );
  rows.push(
    row(`rollback command to both gateways serving stable (median of ${REPEATS})`, median(total), 'ms', null, null),
  );
  rows.push(row('  of which: sluice rollback process, start to exit (median)', median(cliMs), 'ms', null, null));
  rows.push(row("  the sluice rollback process's CPU time, user + system (median)", median(cliCpu), 'ms', null, null));
  rows.push(
    row(
      '  of which: start to the route state changing in the store (median)',
      storeMs.length ? median(storeMs) : null,
      'ms',
      null,
      null,
    ),
  );
  rows.push(
    row(
      '  of which: store change to the later gateway serving stable (median)',
      lagMs.length ? median(lagMs) : null,
      'ms',
      null,
      null,
    ),
  );
  rows.push(
    row(
      'other load on the machine during the rollbacks (median, max)',
      `${median(others)}, ${Math.max(...others)}`,
      'cores',
      null,
      null,
    ),
  );
} finally {
  for (const c of children.reverse()) await c.stop();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: BASE });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

report(rows);
