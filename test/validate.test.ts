import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, starterProject } from './support/cli.js';

interface Validation {
  ok: boolean;
  files: string[];
  errors: { file: string; line: number | null; key: string | null; message: string }[];
}

describe('sluice validate', () => {
  it('passes the starter, writing nothing: no store, no key', async () => {
    const dir = starterProject();
    const r = await runCli(['validate', '--json'], { cwd: dir });
    expect(r.code, r.stdout).toBe(0);
    expect(r.json<Validation>()).toEqual({ ok: true, files: ['sluice.yaml', 'release.yaml'], errors: [] });
    expect(existsSync(join(dir, '.sluice'))).toBe(false);
    const text = await runCli(['validate'], { cwd: dir });
    expect(text.stdout).toBe('sluice.yaml: ok\nrelease.yaml: ok\n');
  });

  it('names file, line and key of each mistake, in every file given, and exits 2', async () => {
    const dir = starterProject();
    const cfg = join(dir, 'sluice.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('dwell_seconds: 30', 'dwell_secs: 30'));
    writeFileSync(
      join(dir, 'other.yaml'),
      readFileSync(join(dir, 'release.yaml'), 'utf8').replace('prompts/system.md', 'prompts/missing.md'),
    );
    const r = await runCli(['validate', 'sluice.yaml', 'release.yaml', 'other.yaml', '--json'], { cwd: dir });
    expect(r.code).toBe(2);
    const v = r.json<Validation>();
    expect(v.ok).toBe(false);
    expect(v.errors).toHaveLength(2);
    expect(v.errors[0]).toMatchObject({ file: expect.stringMatching(/sluice\.yaml$/), key: 'rollout.dwell_secs' });
    expect(v.errors[0]!.line).toBeGreaterThan(1);
    expect(v.errors[0]!.message).toMatch(/unknown key "dwell_secs"/);
    expect(v.errors[1]).toMatchObject({ file: 'other.yaml', key: 'prompt.system' });
    expect(v.errors[1]!.line).toBe(4);
    expect(v.errors[1]!.message).toMatch(/prompts\/missing\.md/);
    const text = await runCli(['validate', 'other.yaml'], { cwd: dir });
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/^sluice: other\.yaml:4:\d+: prompt\.system: .*prompts\/missing\.md/m);
    expect(existsSync(join(dir, '.sluice'))).toBe(false);
  });
});
