import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, starterProject } from './support/cli.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'sluice.js');
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

/** Nothing was registered: no release, no receipt. */
async function nothingWritten(cli: ReturnType<typeof project>['cli']) {
  expect((await cli('releases', '--json')).json<unknown[]>()).toEqual([]);
  expect((await cli('audit', 'log', '--json')).json<unknown[]>()).toEqual([]);
}

/** The cap the README states for one suite line. */
const MAX_SUITE_LINE_BYTES = 1024 * 1024;

describe('register checks the whole suite', () => {
  const suite = 'suites/support.jsonl';
  const lines = (dir: string) => readFileSync(join(dir, suite), 'utf8').trimEnd().split('\n');

  const cases: [string, (l: string[]) => string[], RegExp][] = [
    [
      'an invalid JSON line',
      (l) => [...l.slice(0, 40), '{"id": "x-1", "slice": "billing", ', ...l.slice(40)],
      /support\.jsonl:41: not JSON/,
    ],
    [
      'a duplicate id',
      (l) => [...l, l[2]!],
      /support\.jsonl:61: id: duplicate item id "billing-003" \(first on line 3\)/,
    ],
    ['an item without a slice', (l) => [...l, '{"id": "x-2", "input": "hello"}'], /support\.jsonl:61: slice:/],
    [
      'a line over the cap',
      (l) => [...l, JSON.stringify({ id: 'big', slice: 'billing', input: 'a'.repeat(MAX_SUITE_LINE_BYTES) })],
      /support\.jsonl:61: the line is \d+ bytes; a suite line may hold at most 1048576 bytes \(1 MiB\)/,
    ],
  ];
  for (const [what, edit, message] of cases) {
    it(`refuses ${what}, naming file and line, and writes nothing`, async () => {
      const { dir, cli } = project();
      writeFileSync(join(dir, suite), `${edit(lines(dir)).join('\n')}\n`);
      const run = await cli('register', 'release.yaml');
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      await nothingWritten(cli);
    });
  }

  it('refuses a release whose anchors the gate would refuse', async () => {
    const { dir, cli } = project();
    writeFileSync(join(dir, 'anchors/bad.jsonl'), '{"slice": "billing", "input": "a", "output": "b"\n');
    writeFileSync(
      join(dir, 'release.yaml'),
      readFileSync(join(dir, 'release.yaml'), 'utf8').replace(
        'dataset: { suite: suites/support.jsonl }',
        'dataset: { suite: suites/support.jsonl, anchors: anchors/bad.jsonl }',
      ),
    );
    const run = await cli('register', 'release.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/anchors\/bad\.jsonl:1:/);
    await nothingWritten(cli);
  });
});

describe('paths and files named by sluice.yaml and release files', () => {
  /** sluice.yaml with one substitution, and the 1-based line the change is on. */
  function editConfig(dir: string, from: string, to: string): number {
    const file = join(dir, 'sluice.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(from);
    const edited = text.replace(from, to);
    writeFileSync(file, edited);
    return edited.slice(0, edited.indexOf(to)).split('\n').length;
  }

  const cases: [string, string, string, RegExp][] = [
    [
      'an absolute judge rubric',
      'rubric: judges/quality.md',
      'rubric: /etc/passwd',
      /judges\.quality\.rubric: is absolute/,
    ],
    [
      'judge anchors outside the project',
      'anchors: anchors/quality.jsonl',
      'anchors: ../../anchors/quality.jsonl',
      /judges\.quality\.anchors: points outside the project/,
    ],
    [
      'absolute sim models',
      'models: sim/models.yaml',
      'models: /tmp/models.yaml',
      /providers\.local\.models: is absolute/,
    ],
    ['sim models outside the project', 'models: sim/models.yaml', 'models: sim/../../models.yaml', /points outside/],
  ];
  for (const [what, from, to, message] of cases) {
    it(`refuses ${what}, naming sluice.yaml and the line`, async () => {
      const { dir, cli } = project();
      const line = editConfig(dir, from, to);
      const run = await cli('register', 'release.yaml');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`sluice.yaml:${line}:`);
      expect(run.stderr).toMatch(message);
    });
  }

  it('refuses a sim models file that links outside the project', async () => {
    const { dir, cli } = project();
    const id = (await cli('register', 'release.yaml', '--json')).json<{ id: string }>().id;
    const outside = mkdtempSync(join(tmpdir(), 'sluice-outside-'));
    dirs.push(outside);
    writeFileSync(join(outside, 'models.yaml'), readFileSync(join(dir, 'sim/models.yaml')));
    symlinkSync(join(outside, 'models.yaml'), join(dir, 'sim/linked.yaml'));
    editConfig(dir, 'models: sim/models.yaml', 'models: sim/linked.yaml');
    const run = await cli('gate', id);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"sim/linked.yaml" is a link to a file outside the project');
    expect((await cli('audit', 'log', '--kind', 'gate', '--json')).json<unknown[]>()).toEqual([]);
  });

  it('refuses text that is not UTF-8, naming file and line', async () => {
    const { dir, cli } = project();
    const prompt = join(dir, 'prompts/system.md');
    writeFileSync(prompt, Buffer.concat([readFileSync(prompt), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]));
    const promptLine = readFileSync(prompt).toString('latin1').split('\n').length - 1;
    const run = await cli('register', 'release.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/release\.yaml:\d+:\d+: prompt\.system: "prompts\/system\.md": not UTF-8 text/);
    expect(run.stderr).toContain(`line ${promptLine} is not valid UTF-8`);
    await nothingWritten(cli);

    const cfg = join(dir, 'sluice.yaml');
    writeFileSync(cfg, Buffer.concat([readFileSync(cfg), Buffer.from('# caf\xe9\n', 'latin1')]));
    const cfgLine = readFileSync(cfg).toString('latin1').trimEnd().split('\n').length;
    const bad = await cli('releases');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`sluice.yaml:${cfgLine}: not UTF-8 text`);
  });

  it('refuses a YAML alias bomb with file and line', async () => {
    const { dir, cli } = project();
    const bomb = [
      'lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    ];
    writeFileSync(join(dir, 'release.yaml'), `${readFileSync(join(dir, 'release.yaml'), 'utf8')}${bomb.join('\n')}\n`);
    const run = await cli('register', 'release.yaml');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/release\.yaml:\d+:\d+: aliases expand too far/);
    await nothingWritten(cli);
  });

  it('refuses a FIFO as the prompt file at once, without opening it (built binary)', async () => {
    const { dir, cli } = project();
    const prompt = join(dir, 'prompts/system.md');
    rmSync(prompt);
    execFileSync('mkfifo', [prompt]);
    // A child process: a blocking open of a FIFO would hang the test runner itself.
    const run = spawnSync(process.execPath, [BIN, 'register', 'release.yaml'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('"prompts/system.md": is a FIFO (named pipe), not a regular file');
    await nothingWritten(cli);
  });
});
