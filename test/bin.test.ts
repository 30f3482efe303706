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
    const out = execFileSync(process.execPath, [BIN, 'register', 'release.yaml', '--json'], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(out)).toMatchObject({ name: 'support-assistant', changes: [] });
  });

  it('exits 2 on an unknown command and 0 on --help', () => {
    expect(spawnSync(process.execPath, [BIN, 'frobnicate'], { timeout: 60_000 }).status).toBe(2);
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('register');
  });
});

describe('audit verify through the built binary (worker threads)', () => {
  it('passes on an intact log and names the index of a tampered entry', async () => {
    const { default: Database } = await import('better-sqlite3');
    const dir = starterProject();
    const url = freshSqliteUrl();
    const env = { ...process.env, SLUICE_DB: url, SLUICE_ACTOR: 'ci' };
    for (let i = 0; i < 3; i++) {
      execFileSync('sh', ['-c', `printf ${i} >> prompts/system.md`], { cwd: dir, timeout: 60_000 });
      execFileSync(process.execPath, [BIN, 'register', 'release.yaml'], { cwd: dir, env, timeout: 60_000 });
    }
    const ok = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--json'], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, entries: 3 });
    const db = new Database(url.slice('sqlite:'.length));
    db.prepare(
      "UPDATE audit_entries SET leaf = CAST(replace(CAST(leaf AS TEXT), 'payload', 'paylod') AS BLOB) WHERE idx = 1",
    ).run();
    db.close();
    const bad = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--json'], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, index: 1 });
  });
});
