import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { afterEach, describe, expect, it } from 'vitest';
import { CliContext, type CliIo } from '../context.js';
import { SluiceError } from '../../../kernel/errors.js';
import { COMMANDS } from '../registry.js';

const ATTEST_WEIGHTS_COMMAND = COMMANDS.find((c) => c.name === 'attest-weights')!;
import {
  modelFolder,
  removeTempFolders,
  rootOf,
  sha256Hex,
} from '../../../release/weights/test-support/model-folders.js';

afterEach(removeTempFolders);

function context(cwd: string, json = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, cwd, isTTY: false };
  return { ctx: new CliContext(io, { json }), stdout: () => out.join(''), stderr: () => err.join('') };
}

/** Parses argv with the command's own definition, as the CLI would, and runs it. */
async function run(cwd: string, argv: string[], json = false) {
  const c = context(cwd, json);
  let code: number | undefined;
  const program = new Command('sluice').exitOverride();
  ATTEST_WEIGHTS_COMMAND.attach(program.command(ATTEST_WEIGHTS_COMMAND.name), async (run) => {
    code = await run(c.ctx);
  });
  await program.parseAsync(['attest-weights', ...argv], { from: 'user' });
  return { ...c, code };
}

describe('sluice attest-weights', () => {
  it('prints the manifest on stdout and the root digest on stderr', async () => {
    const dir = modelFolder({ 'w.bin': 'weights', 'config.json': '{}' }, 'm1');
    const r = await run(dirname(dir), [basename(dir)]);
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout());
    const root = rootOf([sha256Hex('{}'), sha256Hex('weights')]);
    expect(st.subject).toEqual([{ name: 'm1', digest: { sha256: root } }]);
    expect(st.predicate.resources.map((x: { name: string }) => x.name)).toEqual(['config.json', 'w.bin']);
    expect(r.stderr()).toMatch(new RegExp(`^sha256:${root}  2 files, 9 bytes in \\d+\\.\\d\\d s\\n$`));
  });

  it('--ignore is repeatable and recorded', async () => {
    const dir = modelFolder({ 'w.bin': 'w', 'a.sig': 's', 'notes/x': 'n' });
    const r = await run(dir, ['.', '--ignore', 'a.sig', '--ignore', 'notes']);
    const st = JSON.parse(r.stdout());
    expect(st.predicate.resources.map((x: { name: string }) => x.name)).toEqual(['w.bin']);
    expect(st.predicate.serialization.ignore_paths).toContain('notes');
  });

  it('--verify passes an unchanged folder and fails a changed one with exit 1, naming the file given --manifest', async () => {
    const dir = modelFolder({ 'w.bin': 'w', 'x.bin': 'x' });
    const attested = await run(dir, ['.']);
    const manifestFile = join(dir, '..', 'manifest.json');
    writeFileSync(manifestFile, attested.stdout());
    const digest = `sha256:${JSON.parse(attested.stdout()).subject[0].digest.sha256}`;

    const ok = await run(dir, ['.', '--verify', digest], true);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout())).toEqual({ ok: true, rootDigest: digest });

    writeFileSync(join(dir, 'x.bin'), 'changed');
    const bad = await run(dir, ['.', '--verify', digest, '--manifest', manifestFile], true);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout())).toMatchObject({
      ok: false,
      code: 'mismatch',
      firstDifferingFile: 'x.bin',
      difference: 'changed',
    });

    const human = await run(dir, ['.', '--verify', digest]);
    expect(human.code).toBe(1);
    expect(human.stdout()).toMatch(/^mismatch: model folder .* hashes to sha256:/);
  });

  it('--manifest without --verify is a usage error; an unreadable manifest is bad input', async () => {
    const dir = modelFolder({ 'w.bin': 'w' });
    await expect(run(dir, ['.', '--manifest', 'm.json'])).rejects.toMatchObject({ code: 'bad_usage' });
    const e = await run(dir, ['.', '--verify', sha256Hex('x'), '--manifest', 'missing.json']).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SluiceError);
    expect((e as SluiceError).code).toBe('bad_input');
  });
});
