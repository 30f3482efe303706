import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSim } from '../../app/cli/commands/sim.js';
import { CliContext } from '../../app/cli/context.js';
import { tempDir } from '../../kernel/test-support/temp-dir.js';

const dir = tempDir('sluice-sim-cmd-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'sluice.yaml'),
  'project: demo\nproviders:\n  local: { kind: sim, seed: 7, models: sim.yaml }\n',
);
writeFileSync(join(dir, 'sim.yaml'), 'models:\n  helpful-v1: { quality: 0.9 }\n  helpful-v2: { quality: 0.7 }\n');

function context(out: string[]): CliContext {
  const io = { stdout: (t: string) => void out.push(t), stderr: () => {}, env: {}, cwd: dir, isTTY: false };
  return new CliContext(io, { json: true });
}

async function printed(out: string[]): Promise<{ url: string; seed: number; models: string[]; provider: string }> {
  while (out.length === 0) await new Promise((r) => setTimeout(r, 5));
  return JSON.parse(out.join('')) as { url: string; seed: number; models: string[]; provider: string };
}

describe('sluice sim', () => {
  it("serves the project's sim provider until SIGTERM", async () => {
    const out: string[] = [];
    const run = runSim(context(out), { port: '0', timeScale: '0' });
    const info = await printed(out);
    expect(info).toMatchObject({ provider: 'local', seed: 7, models: ['helpful-v1', 'helpful-v2'] });
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${info.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'helpful-v1', messages: [{ role: 'user', content: 'Hello' }] }),
    });
    expect(res.status).toBe(200);
    process.emit('SIGTERM');
    expect(await run).toBe(0);
    await expect(fetch(`${info.url}/models`)).rejects.toThrow();
  });

  it('serves a given models file with a given seed', async () => {
    writeFileSync(join(dir, 'other.yaml'), 'models:\n  solo: {}\n');
    const out: string[] = [];
    const run = runSim(context(out), { port: '0', models: 'other.yaml', seed: '3' });
    expect(await printed(out)).toMatchObject({ seed: 3, models: ['solo'] });
    process.emit('SIGINT');
    expect(await run).toBe(0);
  });

  it('rejects a bad port', async () => {
    await expect(runSim(context([]), { port: 'eighty' })).rejects.toMatchObject({ code: 'bad_usage' });
  });
});
