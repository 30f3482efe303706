import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
