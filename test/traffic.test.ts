import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli, starterProject } from './support/cli.js';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';

describe('sluice traffic', () => {
  it('says it cannot reach the gateway, with the count, and exits 1 when nothing got through', async () => {
    // a port that refuses: listen, note it, close
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const dir = starterProject();
    const env = { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() };
    await runCli(['register', 'release.yaml'], { cwd: dir, env });
    const r = await runCli(['traffic', '--url', `http://127.0.0.1:${port}`, '--requests', '5', '--rps', '50'], {
      cwd: dir,
      env,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/sent 5 \(ok 0, errors 5\)/);
    expect(r.stdout).toMatch(new RegExp(`5 × cannot reach http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    const bad = await runCli(['traffic', '--rps', 'fast'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rps must be a positive number, not "fast"/);
  });
});
