import { cpSync } from 'node:fs';
import { main } from '../../src/app/cli/main.js';
import { STARTER_DIR } from '../../src/app/cli/commands/init.js';
import { tempDir } from '../../src/kernel/test-support/temp-dir.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document --json promises. */
  json<T = Record<string, unknown>>(): T;
}

/** Runs the CLI in-process, capturing its output. */
export async function runCli(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { SLUICE_ACTOR: 'tester', ...opts.env },
    cwd: opts.cwd,
    isTTY: false,
  });
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}

/** A fresh copy of the starter project in a temporary folder. */
export function starterProject(): string {
  const dir = tempDir('sluice-proj-');
  cpSync(STARTER_DIR, dir, { recursive: true });
  return dir;
}
