import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders for tests: `tempDir` makes one under the system temp folder and remembers it;
 * `removeTempDirs` (run after each test file by test/support/remove-temp-dirs.ts) removes them.
 * test/support/temp-check.ts fails the run when a `sluice-*` folder is left behind anyway.
 */
const made: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
