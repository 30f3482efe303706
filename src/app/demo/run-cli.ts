import type { z } from 'zod';
import { main } from '../cli/main.js';

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as JSON, checked against what the demo reads of it. */
  json<T>(schema: z.ZodType<T>): T;
}

/** Runs a real `sluice` command in-process against the demo project (the same code path as the terminal). */
export async function sluice(
  projectDir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await main(['--project', projectDir, ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, SLUICE_ACTOR: 'demo', ...env },
    cwd: projectDir,
    isTTY: false,
  });
  return { code, stdout, stderr, json: <T>(schema: z.ZodType<T>) => schema.parse(JSON.parse(stdout)) };
}
