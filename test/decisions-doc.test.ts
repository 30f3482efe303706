import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('docs/decisions.md', () => {
  it('shows the tables bench/results.json holds (node scripts/decisions-tables.js writes them)', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'decisions-tables.js'), '--check'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
