import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SluiceError } from '../../kernel/errors.js';
import { attestWeights, firstDifference, verifyWeights } from './attest.js';
import type { FileResource } from './model-manifest.js';
import {
  modelFolder,
  removeTempFolders,
  REPO_ROOT,
  rootOf,
  sha256Hex,
  tempFolder,
} from './test-support/model-folders.js';

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

/** model_signing's test model "sample_model_folder", whose golden root digest it publishes. */
function sampleModelFolder(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) files[`d${i}/f${i}${j}`] = `This is file f${i}${j} in d${i}.`;
  for (let i = 0; i < 4; i++) files[`f${i}`] = `This is file f${i} in root.`;
  return modelFolder(files, 'sample_model');
}
const SAMPLE_MODEL_ROOT = '143cc682e555951649f18e2761c3d526d2502996f5e32dc187ef7f8a614f8df7';

describe('attestWeights', () => {
  it('reproduces the root digest model_signing publishes for its sample model folder', async () => {
    const a = await attestWeights(sampleModelFolder());
    expect(a.rootDigest).toBe(`sha256:${SAMPLE_MODEL_ROOT}`);
    expect(a.files).toBe(10);
    expect(a.manifest.predicate.resources[0]).toEqual({
      name: 'd0/f00',
      algorithm: 'sha256',
      digest: 'fdd8925354242a7fd1515e79534317b800015607a609cd306e0b4dcfe6c92249',
    });
  });

  it("reproduces model_signing's deep_model_folder root digest", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 4; i++) files[`d0/d1/d2/d3/d4/f${i}`] = `This is file f${i}.`;
    const a = await attestWeights(modelFolder(files, 'deep_model'));
    expect(a.rootDigest).toBe('sha256:18b5a45fe7983f7194e8ffd96c80f5f0ec53191bf4a32b6aff293f043e816d7a');
  });

  it('builds the whole statement: per-file digests, order, empty files, nested folders, .git ignored', async () => {
    const files = {
      'model.safetensors': 'weights',
      'config.json': '{"a":1}',
      'tokenizer/vocab.txt': 'a\nb\n',
      'tokenizer.json': '{}',
      'empty.bin': '',
      'deep/er/still/x': 'x',
      '.git/HEAD': 'ref: refs/heads/main',
      '.gitattributes': '*.safetensors filter=lfs',
      '.gitignore': '*.tmp',
      '.github/workflows/x.yml': 'on: push',
    };
    const dir = modelFolder(files, 'tiny-llm');
    const a = await attestWeights(dir);
    // Order by path components: "tokenizer/vocab.txt" before "tokenizer.json".
    const order = [
      'config.json',
      'deep/er/still/x',
      'empty.bin',
      'model.safetensors',
      'tokenizer/vocab.txt',
      'tokenizer.json',
    ];
    const digests = order.map((n) => sha256Hex(files[n as keyof typeof files]));
    expect(a.manifest).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'tiny-llm', digest: { sha256: rootOf(digests) } }],
      predicateType: 'https://model_signing/signature/v1.0',
      predicate: {
        serialization: {
          method: 'files',
          hash_type: 'sha256',
          allow_symlinks: false,
          ignore_paths: ['.git', '.gitattributes', '.github', '.gitignore'],
        },
        resources: order.map((name, i) => ({ name, algorithm: 'sha256', digest: digests[i] })),
      },
    });
    expect(a.rootDigest).toBe(`sha256:${rootOf(digests)}`);
    expect(a.files).toBe(6);
    expect(a.bytes).toBe(order.reduce((s, n) => s + Buffer.byteLength(files[n as keyof typeof files]), 0));
    expect(digests[2]).toBe(sha256Hex(''));
  });

  it('the root digest does not depend on the folder name or the .git contents', async () => {
    const a = await attestWeights(modelFolder({ w: 'w', '.git/HEAD': 'one' }, 'a'));
    const b = await attestWeights(modelFolder({ w: 'w', '.git/HEAD': 'two', '.git/index': 'i' }, 'b'));
    expect(a.rootDigest).toBe(b.rootDigest);
  });

  it('takes extra ignore paths and records them; git paths can be kept', async () => {
    const dir = modelFolder({ w: 'w', 'model.sig': 'sig', 'logs/run1': 'l', '.gitignore': 'x' });
    const a = await attestWeights(dir, { ignorePaths: ['model.sig', 'logs/'] });
    expect(a.manifest.predicate.resources.map((r) => r.name)).toEqual(['w']);
    expect(a.manifest.predicate.serialization.ignore_paths).toEqual([
      '.git',
      '.gitattributes',
      '.github',
      '.gitignore',
      'logs',
      'model.sig',
    ]);
    const b = await attestWeights(dir, { ignoreGitPaths: false });
    expect(b.manifest.predicate.resources.map((r) => r.name)).toEqual(['.gitignore', 'logs/run1', 'model.sig', 'w']);
    expect(b.manifest.predicate.serialization.ignore_paths).toEqual([]);
  });

  it('refuses a folder holding a symlink, naming it', async () => {
    const dir = modelFolder({ 'w.bin': 'w' });
    symlinkSync('/etc/passwd', join(dir, 'passwd.bin'));
    const e = await rejection(attestWeights(dir));
    expect(e.code).toBe('bad_input');
    expect(e.message).toContain('passwd.bin -> /etc/passwd');
  });

  it('refuses a missing folder and one with nothing to hash', async () => {
    const e1 = await rejection(attestWeights(join(tempFolder(), 'missing')));
    expect(e1.code).toBe('bad_input');
    const e2 = await rejection(attestWeights(modelFolder({ '.git/HEAD': 'x' })));
    expect(e2.code).toBe('bad_input');
    expect(e2.message).toContain('holds no regular files');
  });
});

describe('verifyWeights', () => {
  it('passes an unchanged folder, given the root digest with or without its prefix', async () => {
    const dir = sampleModelFolder();
    expect(await verifyWeights(dir, `sha256:${SAMPLE_MODEL_ROOT}`)).toEqual({
      ok: true,
      rootDigest: `sha256:${SAMPLE_MODEL_ROOT}`,
    });
    expect((await verifyWeights(dir, SAMPLE_MODEL_ROOT)).ok).toBe(true);
  });

  it('with only a root digest, reports the mismatch of the root', async () => {
    const dir = sampleModelFolder();
    writeFileSync(join(dir, 'd1', 'f11'), 'tampered');
    const r = await verifyWeights(dir, `sha256:${SAMPLE_MODEL_ROOT}`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe('mismatch');
    expect(r.firstDifferingFile).toBeUndefined();
    expect(r.expectedRootDigest).toBe(`sha256:${SAMPLE_MODEL_ROOT}`);
    expect(r.actualRootDigest).not.toBe(r.expectedRootDigest);
    expect(r.message).toContain(r.actualRootDigest);
  });

  it('with the expected manifest, names the first differing file in manifest order', async () => {
    const dir = sampleModelFolder();
    const { manifest, rootDigest } = await attestWeights(dir);
    writeFileSync(join(dir, 'f2'), 'tampered');
    writeFileSync(join(dir, 'd1', 'f11'), 'tampered too');
    const r = await verifyWeights(dir, rootDigest, { expectedManifest: manifest });
    expect(r).toMatchObject({ ok: false, code: 'mismatch', firstDifferingFile: 'd1/f11', difference: 'changed' });
    if (r.ok) return;
    expect(r.message).toContain(
      `d1/f11 differs (expected sha256:${sha256Hex('This is file f11 in d1.')}, got sha256:${sha256Hex('tampered too')})`,
    );
  });

  it('names a missing file and an extra file', async () => {
    const dir = sampleModelFolder();
    const { manifest, rootDigest } = await attestWeights(dir);
    rmSync(join(dir, 'd0', 'f01'));
    const missing = await verifyWeights(dir, rootDigest, { expectedManifest: manifest });
    expect(missing).toMatchObject({ ok: false, firstDifferingFile: 'd0/f01', difference: 'missing' });
    writeFileSync(join(dir, 'd0', 'f01'), 'This is file f01 in d0.');
    writeFileSync(join(dir, 'd0', 'f005'), 'new');
    const extra = await verifyWeights(dir, rootDigest, { expectedManifest: manifest });
    expect(extra).toMatchObject({ ok: false, firstDifferingFile: 'd0/f005', difference: 'extra' });
    if (!extra.ok) expect(extra.message).toContain('d0/f005 is not in the expected manifest');
  });

  it('an emptied folder is a mismatch naming the first expected file, not an error', async () => {
    const dir = modelFolder({ a: 'a', b: 'b' });
    const { manifest, rootDigest } = await attestWeights(dir);
    rmSync(join(dir, 'a'));
    rmSync(join(dir, 'b'));
    expect(await verifyWeights(dir, rootDigest, { expectedManifest: manifest })).toMatchObject({
      ok: false,
      firstDifferingFile: 'a',
      difference: 'missing',
    });
  });

  it("hashes with the expected manifest's ignore_paths", async () => {
    const dir = modelFolder({ w: 'w', 'model.sig': 'signature' });
    const { manifest, rootDigest } = await attestWeights(dir, { ignorePaths: ['model.sig'] });
    writeFileSync(join(dir, 'model.sig'), 'a new signature');
    expect((await verifyWeights(dir, rootDigest, { expectedManifest: manifest })).ok).toBe(true);
    // Without the manifest, only the default git paths are left out.
    expect((await verifyWeights(dir, rootDigest)).ok).toBe(false);
  });

  it('refuses an expected manifest for another digest, or one that does not add up', async () => {
    const dir = modelFolder({ w: 'w' });
    const { manifest } = await attestWeights(dir);
    const e1 = await rejection(verifyWeights(dir, `sha256:${sha256Hex('other')}`, { expectedManifest: manifest }));
    expect(e1.code).toBe('bad_input');
    const forged = JSON.parse(JSON.stringify(manifest));
    forged.predicate.resources[0].digest = sha256Hex('forged');
    const e2 = await rejection(verifyWeights(dir, manifest.subject[0].digest.sha256, { expectedManifest: forged }));
    expect(e2.code).toBe('bad_input');
    expect(e2.message).toContain('resources hash to');
  });

  it('refuses a malformed root digest and a symlinked folder content with bad_input', async () => {
    const dir = modelFolder({ w: 'w' });
    expect((await rejection(verifyWeights(dir, 'sha256:nothex'))).code).toBe('bad_input');
    symlinkSync('w', join(dir, 'link'));
    const e = await rejection(verifyWeights(dir, sha256Hex('x')));
    expect(e.code).toBe('bad_input');
    expect(e.message).toContain('link -> w');
  });
});

describe('firstDifference', () => {
  const r = (name: string, d = name): FileResource => ({ name, algorithm: 'sha256', digest: sha256Hex(d) });
  it('walks both sorted lists together', () => {
    expect(firstDifference([r('a'), r('b')], [r('a'), r('b')])).toBeUndefined();
    expect(firstDifference([r('a'), r('c')], [r('a'), r('b'), r('c')])).toEqual({ name: 'b', kind: 'extra' });
    expect(firstDifference([r('a/x'), r('a.txt')], [r('a.txt')])).toEqual({ name: 'a/x', kind: 'missing' });
    expect(firstDifference([r('a'), r('b')], [r('a'), r('b', 'B')])).toMatchObject({ name: 'b', kind: 'changed' });
    expect(firstDifference([r('a')], [])).toEqual({ name: 'a', kind: 'missing' });
  });
});

// The build (npm test runs it first) starts real worker threads from
// dist/release/weights/hash-worker.js. This checks that path end to end, in a child
// process, whenever the build is at least as new as the sources.
const DIST_ATTEST = join(REPO_ROOT, 'dist/release/weights/attest.js');
function distIsFresh(): boolean {
  if (!existsSync(DIST_ATTEST)) return false;
  const srcDir = join(REPO_ROOT, 'src/release/weights');
  const newestSource = Math.max(
    ...readdirSync(srcDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => statSync(join(srcDir, f)).mtimeMs),
  );
  return ['attest.js', 'hash-files.js', 'hash-worker.js', 'walk.js', 'model-manifest.js'].every((f) => {
    const p = join(REPO_ROOT, 'dist/release/weights', f);
    return existsSync(p) && statSync(p).mtimeMs >= newestSource;
  });
}

describe('the build', () => {
  it.skipIf(!distIsFresh())('hashes on worker threads from dist/ and gets the same digests', () => {
    const files: Record<string, Buffer> = {};
    // Above the in-process threshold, so workers really start.
    for (let i = 0; i < 5; i++) files[`shard-${i}.bin`] = Buffer.alloc(5 * 2 ** 20 + i, i + 1);
    files['config.json'] = Buffer.from('{}');
    const dir = modelFolder(files, 'dist-model');
    const script = `
      import { attestWeights } from ${JSON.stringify(DIST_ATTEST)};
      import { builtWorkerUrl } from ${JSON.stringify(join(REPO_ROOT, 'dist/release/weights/hash-files.js'))};
      const a = await attestWeights(process.argv[1]);
      console.log(JSON.stringify({ worker: String(builtWorkerUrl()), rootDigest: a.rootDigest, resources: a.manifest.predicate.resources, bytes: a.bytes }));
    `;
    const out = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8', timeout: 60_000 }),
    );
    expect(out.worker).toMatch(/dist\/release\/weights\/hash-worker\.js$/);
    const names = Object.keys(files).sort();
    expect(out.resources).toEqual(
      names.map((name) => ({ name, algorithm: 'sha256', digest: sha256Hex(files[name]!) })),
    );
    expect(out.rootDigest).toBe(`sha256:${rootOf(names.map((n) => sha256Hex(files[n]!)))}`);
    expect(out.bytes).toBe(names.reduce((s, n) => s + files[n]!.length, 0));
  });
});
