import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../src/kernel/test-support/temp-dir.js';

const REPO = resolve(import.meta.dirname, '..');

/** The README's Quick start: the first `sh` block under its heading, one command a line, comments dropped. */
function quickStart(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Quick start on your own project'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function sh(
  line: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): { code: number; out: string; stdout: string; cwd: string } {
  const marker = join(cwd, '.cwd-after');
  const run = spawnSync('bash', ['-c', `${line}\nstatus=$?\npwd > '${marker}'\nexit $status`], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  let after = cwd;
  try {
    after = readFileSync(marker, 'utf8').trim();
  } catch {
    // the command failed before pwd ran
  }
  return { code: run.status ?? -1, out: `${run.stdout}${run.stderr}`, stdout: run.stdout, cwd: after };
}

describe('the Quick start, from an empty folder with the packed package', () => {
  it('installs Sluice offline and runs init, validate, register, gate, roll and status as the README says', () => {
    expect(existsSync(join(REPO, 'dist/app/cli/main.js')), 'dist/ is built (npm test builds before vitest)').toBe(true);
    const root = tempDir('sluice-quickstart-');
    // The package as npm would install it: packed (dist/ already built, so no prepare), then unpacked.
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(root, JSON.parse(pack.stdout)[0].filename as string);
    const pkg = join(root, 'sluice');
    mkdirSync(pkg);
    expect(spawnSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']).status).toBe(0);
    // Offline: the package's dependencies are the ones this repository installed (as for a linked clone).
    symlinkSync(realpathSync(join(REPO, 'node_modules')), join(pkg, 'node_modules'));

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      npm_config_offline: 'true',
      // the unpacked package has dist/ and no sources: its prepare (the build) has nothing to do
      npm_config_ignore_scripts: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      SLUICE_ACTOR: 'newcomer',
    };
    delete env.SLUICE_DB;
    delete env.SLUICE_AUDIT_KEY;

    const lines = quickStart(readFileSync(join(REPO, 'README.md'), 'utf8'));
    expect(lines[0]).toBe('mkdir my-assistant && cd my-assistant');
    expect(lines).toContain('npx sluice init');
    let cwd = join(root, 'work');
    mkdirSync(cwd);
    let id = '';
    for (const written of lines) {
      expect(written.includes('<id>') ? id : 'ok', `an id before: ${written}`).not.toBe('');
      const line = written.replace('/path/to/sluice', pkg).replaceAll('<id>', id);
      const r = sh(line, cwd, env);
      expect(r.code, `${line}\n${r.out}`).toBe(0);
      cwd = r.cwd;
      if (/sluice register /.test(line)) id = /sha256:([0-9a-f]{12})/.exec(r.out)?.[1] ?? '';
      if (/sluice gate /.test(line)) expect(r.out).toMatch(/verdict pass|\bpass\b/);
      if (/sluice status/.test(line)) expect(r.out).toMatch(/^support-assistant: idle \(no rollout\)/);
    }
    const project = cwd;
    expect(project.endsWith('my-assistant')).toBe(true);
    expect(realpathSync(join(project, 'node_modules/.bin/sluice'))).toBe(realpathSync(join(pkg, 'bin/sluice.js')));

    // init: .gitignore keeps the store and the signing key out of git
    expect(readFileSync(join(project, '.gitignore'), 'utf8').split('\n')).toContain('.sluice/');
    expect(existsSync(join(project, '.sluice/keys'))).toBe(true);
    // schema comments resolve to the installed package's schemas
    for (const file of ['sluice.yaml', 'release.yaml']) {
      const schema = /\$schema=(\S+)/.exec(readFileSync(join(project, file), 'utf8'))?.[1] ?? '';
      expect(schema.startsWith('./node_modules/sluice/schemas/')).toBe(true);
      expect(existsSync(join(project, schema)), schema).toBe(true);
    }
    // a real origin, from the project's name, is what the checkpoints and verifier key carry
    const config = readFileSync(join(project, 'sluice.yaml'), 'utf8');
    expect(config).toMatch(/^project: my-assistant$/m);
    expect(config).toMatch(/^audit: \{ origin: sluice\.local\/my-assistant \}$/m);
    const exported = sh('npx sluice audit export --out -', project, env);
    expect(exported.code, exported.out).toBe(0);
    const bundle = JSON.parse(exported.stdout) as { origin: string; verifier_key: string };
    expect(bundle.origin).toBe('sluice.local/my-assistant');
    expect(bundle.verifier_key.startsWith('sluice.local/my-assistant+')).toBe(true);
    // the starter's rollout is one a person can watch: 30 s and 100 requests a step
    expect(config).toMatch(/dwell_seconds: 30\n/);
    expect(config).toMatch(/min_requests: 100\n/);

    // validate writes nothing and names file, line and key of a mistake
    const release = join(project, 'release.yaml');
    const good = readFileSync(release, 'utf8');
    writeFileSync(release, good.replace('provider: local', 'provider: nowhere'));
    const bad = sh('npx sluice validate', project, env);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/release\.yaml:3:\d+: model\.provider: unknown provider "nowhere"/);
    writeFileSync(release, good);
  }, 180_000);
});
