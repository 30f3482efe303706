import { appendFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../src/store/test-support/store-factories.js';
import { runCli, starterProject } from './support/cli.js';

function edit(dir: string, file: string, f: (s: string) => string): void {
  writeFileSync(join(dir, file), f(readFileSync(join(dir, file), 'utf8')));
}

for (const factory of STORE_FACTORIES) {
  describe.skipIf(!factory.available)(`register on ${factory.name}`, () => {
    const setup = () => {
      const dir = starterProject();
      const env = { SLUICE_DB: factory.freshUrl() };
      const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
      return { dir, cli };
    };

    it('is idempotent: same content, same id, no duplicate', async () => {
      const { cli } = setup();
      const a = await cli('register', 'release.yaml', '--json');
      expect(a.code).toBe(0);
      const first = a.json<{ id: string; baseline: null; changes: string[] }>();
      expect(first.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(first.baseline).toBeNull();
      const b = await cli('--json', 'register', 'release.yaml');
      expect(b.json()).toMatchObject({ id: first.id, created: false });
      expect((await cli('releases', '--json')).json<unknown[]>()).toHaveLength(1);
    });

    it('gives the same id for the same manifest on every store', async () => {
      const { cli } = setup();
      const r = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>();
      const sqlite = await runCli(['register', 'release.yaml', '--json'], {
        cwd: starterProject(),
        env: { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() },
      });
      expect(sqlite.json<{ id: string }>().id).toBe(r.id);
    });

    it('a one-byte prompt edit is a new release with changes ["prompt"] against the explicit baseline', async () => {
      const { dir, cli } = setup();
      const base = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>();
      appendFileSync(join(dir, 'prompts/system.md'), '!');
      edit(dir, 'release.yaml', (s) => `${s}baseline: "${base.id.slice(7, 19)}"\n`);
      const next = await cli('register', 'release.yaml', '--json');
      expect(next.code).toBe(0);
      expect(next.json()).toMatchObject({ baseline: base.id, changes: ['prompt'] });
      expect(next.json<{ id: string }>().id).not.toBe(base.id);
      const diff = await cli('diff', base.id, next.json<{ id: string }>().id.slice(7, 20), '--json');
      expect(diff.json()).toMatchObject({ changes: ['prompt'] });
    });

    it('diff shows a prompt change as a unified diff of its text, a params change as a diff of its values', async () => {
      const { dir, cli } = setup();
      const base = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>();
      edit(dir, 'prompts/system.md', (s) => s.replace('Do not give legal or medical advice.', 'Be warm.'));
      edit(
        dir,
        'release.yaml',
        (s) =>
          `${s.replace('max_tokens: 400', 'max_tokens: 500')}acknowledge: [prompt, params]\nbaseline: "${base.id}"\n`,
      );
      const next = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>();
      const text = await cli('diff', base.id.slice(7, 19), next.id.slice(7, 19));
      expect(text.code).toBe(0);
      const out = text.stdout;
      expect(out).toMatch(/: prompt, params changed/);
      expect(out).toContain(`--- prompts/system.md@${base.id.slice(7, 19)}`);
      expect(out).toContain(`+++ prompts/system.md@${next.id.slice(7, 19)}`);
      expect(out).toMatch(/^@@ .* @@/m);
      expect(out).toMatch(/^-.*Do not give legal or medical advice\.$/m);
      expect(out).toMatch(/^\+.*Be warm\.$/m);
      expect(out).toMatch(/^-max_tokens: 400$/m);
      expect(out).toMatch(/^\+max_tokens: 500$/m);
      expect(out).not.toMatch(/sha256:[0-9a-f]{64}/);
      const json = (await cli('diff', base.id, next.id, '--json')).json<{
        changes: string[];
        patches: { component: string; what: string; patch: string }[];
      }>();
      expect(json.changes).toEqual(['prompt', 'params']);
      expect(json.patches.map((p) => p.what)).toEqual(['prompt.system', 'params']);

      // releases: a header row, and words where a bare "-" used to stand
      const listed = (await cli('releases')).stdout.trimEnd().split('\n');
      expect(listed[0]).toMatch(/^ID +ROUTE +VERSION +STABLE +CHANGED VS BASELINE +REGISTERED +BY$/);
      expect(listed).toHaveLength(3);
      expect(listed.find((l) => l.startsWith(base.id.slice(7, 19)))).toMatch(/first of its route/);
      expect(
        listed.find((l) => l.startsWith(next.id.slice(7, 19))),
        listed.join('\n'),
      ).toMatch(/prompt, params/);
    });

    it('refuses two unacknowledged changes, naming both and the acknowledge line; acknowledged, it registers', async () => {
      const { dir, cli } = setup();
      const base = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>();
      edit(
        dir,
        'release.yaml',
        (s) =>
          s.replace('helpful-v1', 'helpful-v2').replace('max_tokens: 400', 'max_tokens: 500') +
          `baseline: "${base.id}"\n`,
      );
      const refused = await cli('register', 'release.yaml');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('model, params');
      expect(refused.stderr).toContain('acknowledge: [model, params]');
      expect((await cli('releases', '--json')).json<unknown[]>()).toHaveLength(1);

      const asJson = await cli('register', 'release.yaml', '--json');
      expect(asJson.code).toBe(1);
      expect(asJson.json<{ error: { code: string } }>().error.code).toBe('refused');

      edit(dir, 'release.yaml', (s) => `${s}acknowledge: [model, params]\n`);
      const ok = await cli('register', 'release.yaml', '--json');
      expect(ok.code).toBe(0);
      expect(ok.json()).toMatchObject({ changes: ['model', 'params'] });
    });

    it('rejects bad input with exit 2, file:line and key, and writes nothing', async () => {
      const { dir, cli } = setup();
      const cases: Array<[string, (s: string) => string, RegExp]> = [
        [
          'escaping path',
          (s) => s.replace('prompts/system.md', '../../etc/passwd'),
          /release\.yaml:4:\d+: prompt\.system: .*outside the project/,
        ],
        [
          'absolute path',
          (s) => s.replace('prompts/system.md', '/etc/passwd'),
          /release\.yaml:4:\d+: prompt\.system: .*absolute/,
        ],
        [
          'missing file',
          (s) => s.replace('suites/support.jsonl', 'suites/nope.jsonl'),
          /release\.yaml:10:\d+: dataset\.suite: .*no such file/,
        ],
        ['unknown component', (s) => `${s}acknowledge: [model, colour]\n`, /release\.yaml:12:\d+: acknowledge\[1\]/],
        [
          'unknown baseline',
          (s) => `${s}baseline: "abcdef0123"\n`,
          /release\.yaml:12:\d+: baseline: no release abcdef0123/,
        ],
        [
          'unknown provider',
          (s) => s.replace('provider: local', 'provider: elsewhere'),
          /release\.yaml:3:\d+: model\.provider: unknown provider/,
        ],
        ['malformed YAML', (s) => `${s}params: [\n`, /release\.yaml:1[23]:\d+: invalid YAML/],
      ];
      const original = readFileSync(join(dir, 'release.yaml'), 'utf8');
      for (const [name, change, pattern] of cases) {
        writeFileSync(join(dir, 'release.yaml'), change(original));
        const r = await cli('register', 'release.yaml');
        expect(r.code, name).toBe(2);
        expect(r.stderr, name).toMatch(pattern);
      }
      symlinkSync('/etc/hostname', join(dir, 'prompts/link.md'));
      writeFileSync(join(dir, 'release.yaml'), original.replace('prompts/system.md', 'prompts/link.md'));
      const link = await cli('register', 'release.yaml');
      expect(link.code).toBe(2);
      expect(link.stderr).toMatch(/link to a file outside the project/);
      expect((await cli('releases', '--json')).json<unknown[]>()).toEqual([]);
    });

    it('shows the resolved manifest whose canonical hash is the id', async () => {
      const { cli } = setup();
      const { id } = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>();
      const shown = await cli('show', id.slice(7, 15), '--json');
      const manifest = shown.json<{ prompt: { system: { path: string; digest: string } } }>();
      expect(manifest.prompt.system.path).toBe('prompts/system.md');
      const { jsonDigest } = await import('../src/kernel/canonical-json.js');
      expect(jsonDigest(manifest)).toBe(id);
    });
  });
}

describe('CLI edges', () => {
  it('maps a bad id to exit 2 with a JSON error on stdout only', async () => {
    const dir = starterProject();
    const r = await runCli(['show', 'zz', '--json'], { cwd: dir, env: { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() } });
    expect(r.code).toBe(2);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('bad_usage');
    expect(r.stderr).toBe('');
  });

  it('says which store cannot be opened and how to fix it', async () => {
    const dir = starterProject();
    const r = await runCli(['releases'], { cwd: dir, env: { SLUICE_DB: 'postgres://nobody@127.0.0.1:1/none' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    expect(r.stderr).toMatch(/start PostgreSQL or fix the URL/);
  });

  it('accepts --project before or after the command', async () => {
    const dir = starterProject();
    const env = { SLUICE_DB: STORE_FACTORIES[0]!.freshUrl() };
    const a = await runCli(['--project', dir, 'register', 'release.yaml', '--json'], { cwd: '/', env });
    const b = await runCli(['register', 'release.yaml', '--project', dir, '--json'], { cwd: '/', env });
    expect(a.code).toBe(0);
    expect(b.json<{ id: string }>().id).toBe(a.json<{ id: string }>().id);
  });

  it('init refuses to overwrite an existing project', async () => {
    const dir = starterProject();
    const r = await runCli(['init'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sluice.yaml');
  });
});
