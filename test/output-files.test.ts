import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, starterProject } from './support/cli.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project() {
  const dir = starterProject();
  dirs.push(dir);
  const cli = (...a: string[]) => runCli(a, { cwd: dir });
  return { dir, cli };
}

const gateReceipts = async (cli: ReturnType<typeof project>['cli']) =>
  (await cli('audit', 'log', '--kind', 'gate', '--json')).json<unknown[]>().length;

describe('files the commands write', () => {
  it('checks every report path before the gate runs: a bad one exits 2 and stores nothing', async () => {
    const { dir, cli } = project();
    const id = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    const db = join(dir, '.sluice', 'sluice.db');
    const dbBefore = readFileSync(db);
    writeFileSync(join(dir, 'notes.md'), 'my notes\n');
    const outside = mkdtempSync(join(tmpdir(), 'sluice-outside-'));
    dirs.push(outside);
    symlinkSync(join(outside, 'target.xml'), join(dir, 'link.xml'));

    const cases: [string[], RegExp][] = [
      [['--markdown', '/no/dir/x.md'], /--markdown \/no\/dir\/x\.md: the folder \/no\/dir does not exist/],
      [['--html', '.sluice/sluice.db'], /inside \.sluice\/, where Sluice keeps its store/],
      [
        ['--junit', 'release.yaml'],
        /--junit release\.yaml: exists and is not a JUnit report written by Sluice; pass --force/,
      ],
      [['--markdown', 'notes.md'], /not a gate Markdown report/],
      [['--junit', 'link.xml'], /is a symbolic link/],
      [['--junit', 'link.xml', '--force'], /is a symbolic link/],
      [['--junit', 'sim'], /not a regular file/],
      [['--markdown', 'r.md', '--html', './r.md'], /--html \.\/r\.md: is the same file as --markdown/],
    ];
    for (const [flags, message] of cases) {
      const run = await cli('gate', id, ...flags);
      expect(run.code, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(await gateReceipts(cli)).toBe(0);
    expect(readFileSync(join(dir, 'release.yaml'), 'utf8')).toMatch(/^name: /m);
    expect(readFileSync(join(dir, 'notes.md'), 'utf8')).toBe('my notes\n');
    expect(existsSync(join(outside, 'target.xml'))).toBe(false);
    expect(readFileSync(db).subarray(0, 16).toString()).toBe(dbBefore.subarray(0, 16).toString());

    // Good paths: written whole, and a second run replaces its own earlier reports.
    for (let run = 0; run < 2; run++) {
      const gated = await cli('gate', id, '--junit', 'junit.xml', '--markdown', 'gate.md', '--html', 'gate.html');
      expect(gated.code, gated.stderr).toBe(0);
    }
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('<testsuites name="sluice"');
    expect(readFileSync(join(dir, 'gate.md'), 'utf8')).toMatch(/^### \S+ Sluice gate: pass/);
    expect(readFileSync(join(dir, 'gate.html'), 'utf8')).toContain('</html>');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // Another kind's report is not replaced without --force; with it, it is.
    expect((await cli('gate', id, '--junit', 'gate.md')).code).toBe(2);
    expect((await cli('gate', id, '--junit', 'notes.md', '--force')).code).toBe(0);
    expect(readFileSync(join(dir, 'notes.md'), 'utf8')).toContain('<testsuites name="sluice"');
  });

  it('never writes over the store, wherever sluice.yaml puts it, even with --force', async () => {
    const { dir, cli } = project();
    const cfg = join(dir, 'sluice.yaml');
    writeFileSync(
      cfg,
      readFileSync(cfg, 'utf8').replace('store: sqlite:.sluice/sluice.db', 'store: sqlite:data/store.db'),
    );
    mkdirSync(join(dir, 'data'));
    const id = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    const head = readFileSync(join(dir, 'data/store.db')).subarray(0, 16).toString();
    expect(head).toBe('SQLite format 3\0');
    for (const [flag, file] of [
      ['--html', 'data/store.db'],
      ['--junit', './data/../data/store.db-wal'],
    ] as const) {
      const run = await cli('gate', id, flag, file, '--force');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("is the project's store or its signing key");
    }
    const exported = await cli('audit', 'export', '--out', 'data/store.db', '--force');
    expect(exported.code).toBe(2);
    expect(readFileSync(join(dir, 'data/store.db')).subarray(0, 16).toString()).toBe(head);
    expect(await gateReceipts(cli)).toBe(0);
  });

  it('never exports the audit log over the signing key or a file it did not write', async () => {
    const { dir, cli } = project();
    expect((await cli('register', 'release.yaml')).code).toBe(0);
    const keys = join(dir, '.sluice', 'keys');
    const pem = readdirSync(keys).find((f) => f.endsWith('.pem'))!;
    const key = readFileSync(join(keys, pem));
    const intoKey = await cli('audit', 'export', '--out', `.sluice/keys/${pem}`, '--force');
    expect(intoKey.code).toBe(2);
    expect(intoKey.stderr).toContain('inside .sluice/');
    expect(readFileSync(join(keys, pem))).toEqual(key);
    const overManifest = await cli('audit', 'export', '--out', 'sluice.yaml');
    expect(overManifest.code).toBe(2);
    expect(overManifest.stderr).toContain('not an audit bundle written by Sluice');

    mkdirSync(join(dir, 'out'));
    expect((await cli('audit', 'export', '--out', 'out/log.json')).code).toBe(0);
    const again = await cli('audit', 'export', '--out', 'out/log.json', '--json');
    expect(again.code).toBe(0);
    const { verifier_key } = again.json<{ verifier_key: string }>();
    expect((await cli('audit', 'verify', '--bundle', 'out/log.json', '--key', verifier_key)).code).toBe(0);
    const forensics = await cli('forensics', 'ro-none', '--out', 'out/log.json');
    expect(forensics.code).toBe(2);
    expect(forensics.stderr).toContain('not a forensics export written by Sluice');
  });
});
