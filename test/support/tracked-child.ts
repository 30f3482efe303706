import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';

/** Children of the current test file still running. */
const live = new Set<ChildProcess>();

// Imported by a test file, this runs after the file's tests: a child a failed
// or timed-out test left running is killed here, not left to outlive the run
// (vitest ends its workers with SIGTERM, which runs no 'exit' handler).
afterAll(() => {
  for (const p of live) p.kill('SIGKILL');
});

/** Spawns a child that is killed, at the latest, when the test file's tests are done. */
export function spawnTracked(...args: Parameters<typeof spawn>): ChildProcess {
  const proc = spawn(...args);
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return proc;
}
