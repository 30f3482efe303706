import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../src/kernel/test-support/temp-dir.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'sluice.js');

interface DemoJson {
  scenarios: { id: number; name: string; caught_at: string; caught: boolean; evidence: string; seconds: number }[];
  healthy: { phase: string; release: string };
  audit: { ok: boolean; entries: number };
}

describe('sluice demo', () => {
  it('catches each of the ten failures at its stage and promotes the healthy release', () => {
    const cwd = tempDir('sluice-demo-test-');
    const tmp = tempDir('sluice-demo-tmp-');
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
    delete env.SLUICE_DB;
    const run = spawnSync(process.execPath, [BIN, 'demo', '--json'], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 170_000,
      killSignal: 'SIGKILL',
    });
    expect(run.status, run.stderr).toBe(0);
    // without --keep, the demo's project (its store and audit signing key) is gone when it ends
    expect(readdirSync(tmp)).toEqual([]);
    const out = JSON.parse(run.stdout) as DemoJson;
    const expected = ['register', 'register', 'register', 'gate', 'gate', 'gate', 'gate', 'roll', 'observe', 'observe'];
    expect(out.scenarios.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const s of out.scenarios) {
      expect(s.caught, `#${s.id} ${s.name}: ${s.evidence}`).toBe(true);
      expect(s.caught_at).toBe(expected[s.id - 1]);
      expect(s.evidence.length).toBeGreaterThan(10);
    }
    expect(out.scenarios[3]!.evidence).toMatch(/legal\/ip-licensing 0\.\d\d < 0\.60 .*aggregate 0\.\d\d/);
    expect(out.healthy.phase).toBe('promoted');
    expect(out.healthy.release).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.audit.ok).toBe(true);
    expect(out.audit.entries).toBeGreaterThan(20);
  }, 180_000);

  it('removes its temporary project when interrupted', async () => {
    const tmp = tempDir('sluice-demo-tmp-');
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
    delete env.SLUICE_DB;
    const proc = spawn(process.execPath, [BIN, 'demo'], { cwd: tempDir('sluice-demo-test-'), env });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => proc.once('exit', (_code, signal) => r(signal)));
    const end = Date.now() + 30_000;
    while (!/project .*legal-assistant/.test(err) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(tmp)).toHaveLength(1);
    proc.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(readdirSync(tmp)).toEqual([]);
  }, 60_000);
});
