// Child processes for the gateway benches: the upstream, `sluice serve`, the
// Portkey gateway; waiting for them to listen, reading their resident memory,
// and stopping them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
export const SLUICE_BIN = join(root, 'bin', 'sluice.js');
export const PORTKEY_SERVER = join(root, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

// Children still running when this process exits (a failed bench, Ctrl-C) are killed with it.
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));

/** Starts `node ARGS` and resolves once `ready(stdoutSoFar)` returns a value; rejects if it exits first or after `timeoutMs`. */
export function startChild(args, { cwd, env, ready, timeoutMs = 30_000, label }) {
  const child = spawn(process.execPath, args, { cwd, env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    err = (err + d).slice(-20_000);
  });
  const proc = {
    child,
    pid: child.pid,
    stderr: () => err,
    stdout: () => out,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return proc.exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const r = await proc.exited;
      clearTimeout(timer);
      return r;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label}: not ready after ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    const check = () => {
      let value;
      try {
        value = ready(out);
      } catch {
        value = undefined;
      }
      if (value !== undefined) {
        clearTimeout(timer);
        child.stdout.removeListener('data', onData);
        child.stdout.resume();
        resolve({ ...proc, info: value });
      }
    };
    const onData = (d) => {
      out += d;
      check();
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code ?? signal}) before it was ready\n${out}\n${err}`));
    });
  });
}

/** The first complete JSON document printed on stdout (one line, or several lines of one pretty-printed document). */
function firstJson(out) {
  const start = out.indexOf('{');
  if (start < 0) return undefined;
  for (let end = out.indexOf('}', start); end >= 0; end = out.indexOf('}', end + 1)) {
    try {
      return JSON.parse(out.slice(start, end + 1));
    } catch {
      // not complete yet
    }
  }
  return undefined;
}

export function startUpstream() {
  return startChild([join(import.meta.dirname, 'upstream.js')], { ready: firstJson, label: 'upstream' });
}

/** bench/gateway/bare-proxy.js in front of UPSTREAM_URL: the floor a Node.js gateway starts from. */
export function startBareProxy(upstreamUrl, nodeArgs = []) {
  return startChild([...nodeArgs, join(import.meta.dirname, 'bare-proxy.js'), upstreamUrl], {
    ready: (out) => firstJson(out)?.url,
    label: 'bare proxy',
  });
}

/**
 * `sluice serve --port 0 --json` in PROJECT_DIR (its store from sluice.yaml or
 * env SLUICE_DB). `nodeArgs` go before the script (--cpu-prof…), `args` after `serve`.
 */
export function startSluice(projectDir, { env, nodeArgs = [], args = [] } = {}) {
  return startChild([...nodeArgs, SLUICE_BIN, 'serve', '--port', '0', '--json', ...args], {
    cwd: projectDir,
    env: { ...process.env, SLUICE_ACTOR: 'bench', ...env },
    ready: (out) => firstJson(out)?.url,
    label: 'sluice serve',
  });
}

export function portkeyAvailable() {
  return existsSync(PORTKEY_SERVER);
}

/** A port that was free a moment ago (Portkey takes --port=N, not 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The Portkey gateway's own Node server (`build/start-server.js --headless`), answering on http://127.0.0.1:PORT. */
export async function startPortkey() {
  const port = await freePort();
  const proc = await startChild([PORTKEY_SERVER, `--port=${port}`, '--headless'], {
    env: { ...process.env, NODE_ENV: 'production' },
    ready: (out) => (out.includes('Ready for connections') ? `http://127.0.0.1:${port}` : undefined),
    label: 'portkey gateway',
  });
  return { ...proc, info: { url: proc.info } };
}

/** VmRSS of a process in MB (Linux /proc), or null when it cannot be read. */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Samples rssMb(pid) every `everyMs` until stop(); stop() returns { max, last, samples }. */
export function sampleRss(pid, everyMs = 100) {
  const samples = [];
  const take = () => {
    const v = rssMb(pid);
    if (v !== null) samples.push(v);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { max: Math.max(...samples), last: samples[samples.length - 1], samples };
    },
  };
}
