import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../kernel/errors.js';
import { DEFAULT_IGNORE_PATHS } from './model-manifest.js';
import { modelFolder, removeTempFolders, tempFolder, writeFiles } from './test-support/model-folders.js';
import { walkModel } from './walk.js';

afterEach(removeTempFolders);

async function rejection(p: Promise<unknown>): Promise<SluiceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    return e as SluiceError;
  }
  throw new Error('expected a rejection');
}

describe('walkModel', () => {
  it('lists every regular file by relative POSIX path, in manifest order, with sizes', async () => {
    const root = modelFolder({ 'a.txt': 'xx', 'a/b': 'y', 'z/y/x.bin': '', B: '123' }, 'my-model');
    mkdirSync(join(root, 'empty-dir'));
    const w = await walkModel(root, []);
    expect(w.modelName).toBe('my-model');
    expect(w.root).toBe(root);
    expect(w.files.map((f) => [f.name, f.size])).toEqual([
      ['B', 3],
      ['a/b', 1],
      ['a.txt', 2],
      ['z/y/x.bin', 0],
    ]);
    expect(w.files[1]!.path).toBe(join(root, 'a', 'b'));
  });

  it('leaves out ignored paths and everything below them, at the top of the folder only', async () => {
    const root = modelFolder({
      '.git/HEAD': 'ref',
      '.git/objects/aa/bb': 'blob',
      '.gitattributes': '*.bin filter=lfs',
      '.github/workflows/ci.yml': 'on: push',
      '.gitignore': 'x',
      'sub/.git/HEAD': 'nested repos are hashed, as model_signing does',
      '.gitmodules': 'not ignored by default',
      'weights.bin': 'w',
    });
    const w = await walkModel(root, DEFAULT_IGNORE_PATHS);
    expect(w.files.map((f) => f.name)).toEqual(['.gitmodules', 'sub/.git/HEAD', 'weights.bin']);
  });

  it('does not look inside ignored paths, so a symlink there is no error', async () => {
    const root = modelFolder({ 'w.bin': 'w', '.git/config': 'c' });
    symlinkSync('/etc/hostname', join(root, '.git', 'link'));
    const w = await walkModel(root, ['.git']);
    expect(w.files.map((f) => f.name)).toEqual(['w.bin']);
  });

  it('refuses a symlink to a file outside the model, naming it', async () => {
    const outside = tempFolder();
    writeFiles(outside, { secret: 's' });
    const root = modelFolder({ 'w.bin': 'w', 'sub/ok': 'o' });
    symlinkSync(join(outside, 'secret'), join(root, 'sub', 'link.bin'));
    const e = await rejection(walkModel(root, []));
    expect(e.code).toBe('bad_input');
    expect(e.message).toContain('sub/link.bin');
    expect(e.message).toContain(join(outside, 'secret'));
    expect(e.message).toMatch(/symbolic link/);
  });

  it('refuses a symlink inside the model, to a folder, and a dangling one', async () => {
    for (const [target, name] of [
      ['w.bin', 'inside'],
      ['sub', 'dirlink'],
      ['does-not-exist', 'dangling'],
    ] as const) {
      const root = modelFolder({ 'w.bin': 'w', 'sub/f': 'f' });
      symlinkSync(target, join(root, name));
      const e = await rejection(walkModel(root, []));
      expect(e.code).toBe('bad_input');
      expect(e.message).toContain(`${name} -> ${target}`);
    }
  });

  it('names the first symlink in manifest order when there are several', async () => {
    const root = modelFolder({ 'w.bin': 'w' });
    for (const n of ['z-link', 'b-link', 'm-link']) symlinkSync('w.bin', join(root, n));
    const e = await rejection(walkModel(root, []));
    expect(e.message).toContain('b-link');
  });

  it('refuses a FIFO (neither file nor folder), naming it', async () => {
    const root = modelFolder({ 'w.bin': 'w' });
    execFileSync('mkfifo', [join(root, 'pipe')], { timeout: 10_000 });
    const e = await rejection(walkModel(root, []));
    expect(e.code).toBe('bad_input');
    expect(e.message).toContain('pipe, which is neither a regular file nor a folder');
  });

  it('refuses a name that is not valid UTF-8, and keeps UTF-8 names as they are', async () => {
    const root = modelFolder({ 'w.bin': 'w', 'ünï/cödé.bin': 'u' });
    const ok = await walkModel(root, []);
    expect(ok.files.map((f) => f.name)).toEqual(['w.bin', 'ünï/cödé.bin']);
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.bin')]), 'x');
    const e = await rejection(walkModel(root, []));
    expect(e.code).toBe('bad_input');
    expect(e.message).toContain('not valid UTF-8: bad-??.bin');
  });

  it('refuses a missing folder and a file given as the folder', async () => {
    const missing = join(tempFolder(), 'nope');
    const e1 = await rejection(walkModel(missing, []));
    expect(e1.code).toBe('bad_input');
    expect(e1.message).toContain('does not exist');
    const root = modelFolder({ 'w.bin': 'w' });
    const e2 = await rejection(walkModel(join(root, 'w.bin'), []));
    expect(e2.code).toBe('bad_input');
    expect(e2.message).toContain('is not a folder');
  });

  it('follows a symlink given as the folder itself', async () => {
    const root = modelFolder({ 'w.bin': 'w' }, 'real-model');
    const link = join(tempFolder(), 'linked-model');
    symlinkSync(root, link);
    const w = await walkModel(link, []);
    expect(w.modelName).toBe('linked-model');
    expect(w.files.map((f) => f.name)).toEqual(['w.bin']);
  });
});
