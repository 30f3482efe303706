import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest globalSetup: the run gets its own temp folder (TMPDIR, inherited by every test worker and
 * every process a test starts), so folders of other runs on the machine do not count. At the end,
 * a `sluice-*` folder still in it is a test that did not remove its temp folder: the run fails,
 * naming it. The run's folder is removed either way.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const runDir = mkdtempSync(join(tmpdir(), 'sluice-test-run-'));
  process.env.TMPDIR = runDir;
  return () => {
    const left = readdirSync(runDir).filter((name) => name.startsWith('sluice-'));
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    if (left.length > 0) {
      throw new Error(
        `tests left ${left.length} temporary folder(s) behind: ${left.slice(0, 10).join(', ')}${left.length > 10 ? ', …' : ''} (use tempDir from src/kernel/test-support/temp-dir.ts, or remove them)`,
      );
    }
  };
}
