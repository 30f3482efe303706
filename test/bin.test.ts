import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshSqliteUrl } from '../src/store/test-support/store-factories.js';
import { starterProject } from './support/cli.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'sluice.js');

describe('the sluice binary', () => {
  it('runs from the built package and prints only JSON with --json', () => {
    const dir = starterProject();
    const env = { ...process.env, SLUICE_DB: freshSqliteUrl(), SLUICE_ACTOR: 'ci' };
    const out = execFileSync(process.execPath, [BIN, 'register', 'release.yaml', '--json'], { cwd: dir, env, encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ name: 'support-assistant', changes: [] });
  });

  it('exits 2 on an unknown command and 0 on --help', () => {
    expect(spawnSync(process.execPath, [BIN, 'frobnicate']).status).toBe(2);
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('register');
  });
});
