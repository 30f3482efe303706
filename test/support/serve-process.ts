import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnTracked } from './tracked-child.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'sluice.js');

export interface ServeProcess {
  readonly url: string;
  readonly proc: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` (SIGTERM by default) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** SIGKILL: no cleanup at all. */
  kill(): Promise<void>;
}

/** Starts `sluice serve --port 0 --json` from the built package and waits (15 s at most) for its URL. */
export function spawnServe(dir: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<ServeProcess> {
  const proc = spawnTracked(process.execPath, [BIN, 'serve', '--port', '0', '--json', ...args], {
    cwd: dir,
    env: { ...process.env, SLUICE_ACTOR: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`serve did not start: ${err}`));
    }, 15_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":\s*"([^"]+)"/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        proc,
        stderr: () => err,
        stop: async (signal = 'SIGTERM') => {
          proc.kill(signal);
          return exited;
        },
        kill: async () => {
          proc.kill('SIGKILL');
          await exited;
        },
      });
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited ${code}: ${err}`));
    });
  });
}
