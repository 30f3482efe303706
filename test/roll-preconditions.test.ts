import { describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli } from './support/cli.js';
import { releaseFor, rolloutProject } from './support/rollout-project.js';

describe('roll preconditions', () => {
  it('refuses a release whose gate is missing, failed, or against another stable, saying which', async () => {
    const dir = rolloutProject();
    const env = { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() };
    const cli = (...a: string[]) => runCli(a, { cwd: dir, env });
    const v1 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    const first = await cli('roll', v1, '--json');
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({ stable: v1, phase: 'idle' });

    releaseFor(dir, 'helpful-v3', v1);
    const v3 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    const ungated = await cli('roll', v3);
    expect(ungated.code).toBe(1);
    expect(ungated.stderr).toMatch(/has no gate result/);

    releaseFor(dir, 'helpful-v2', v1);
    const v2 = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    expect((await cli('gate', v2)).code).toBe(1);
    const failed = await cli('roll', v2);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/latest gate verdict is fail/);

    // Gated against something other than the current stable.
    expect((await cli('gate', v3, '--baseline', v2)).code).not.toBe(2);
    const elsewhere = await cli('roll', v3);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toMatch(/ran against .* not the current stable/);

    expect((await cli('gate', v3)).code).toBe(0);
    expect((await cli('roll', v3, '--json')).json()).toMatchObject({ candidate: v3 });
    const again = await cli('roll', v3);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/rollout is in progress/);
  });
});
