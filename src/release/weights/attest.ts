import type { Digest } from '../../kernel/digest.js';
import { badInput } from '../../kernel/errors.js';
import { hashFiles, type HashFilesOptions } from './hash-files.js';
import {
  buildStatement,
  comparePaths,
  DEFAULT_IGNORE_PATHS,
  normalizeIgnorePaths,
  parseModelSigningStatement,
  parseRootDigest,
  toDigest,
  type FileResource,
  type ModelSigningStatement,
} from './model-manifest.js';
import { walkModel } from './walk.js';

/**
 * Model weight attestation: `sluice attest-weights DIR`.
 *
 * Hashes a model folder as OpenSSF model-signing v1.0 does with its "files"
 * serialization (sha256, no symlinks, git paths ignored) and returns the
 * manifest as an in-toto statement, so a digest Sluice records can be checked
 * with model_signing's tools and the other way round.
 */

export interface AttestOptions extends HashFilesOptions {
  /** Extra paths to leave out, relative to the model folder (recorded in the manifest). */
  ignorePaths?: readonly string[];
  /** Leave out .git, .gitattributes, .github and .gitignore at the top of the folder (default true, as model_signing). */
  ignoreGitPaths?: boolean;
}

export interface WeightsAttestation {
  /** `sha256:<hex>` over the per-file digests: the statement's subject digest. */
  rootDigest: Digest;
  manifest: ModelSigningStatement;
  /** Files hashed. */
  files: number;
  /** Bytes hashed. */
  bytes: number;
}

export function attestWeights(dir: string, options: AttestOptions = {}): Promise<WeightsAttestation> {
  return attest(dir, options, false);
}

async function attest(dir: string, options: AttestOptions, allowEmpty: boolean): Promise<WeightsAttestation> {
  const ignorePaths = normalizeIgnorePaths([
    ...(options.ignoreGitPaths === false ? [] : DEFAULT_IGNORE_PATHS),
    ...(options.ignorePaths ?? []),
  ]);
  const walk = await walkModel(dir, ignorePaths);
  if (walk.files.length === 0 && !allowEmpty) {
    // model_signing refuses this too: a manifest of nothing attests nothing.
    throw badInput(
      `model folder ${dir} holds no regular files${ignorePaths.length ? ` once ${ignorePaths.join(', ')} are left out` : ''}`,
      { file: dir },
    );
  }
  const digests = await hashFiles(walk.files, options);
  const resources: FileResource[] = walk.files.map((f, i) => ({
    name: f.name,
    algorithm: 'sha256',
    digest: digests[i]!.digest,
  }));
  const manifest = buildStatement(walk.modelName, resources, ignorePaths);
  return {
    rootDigest: toDigest(manifest.subject[0].digest.sha256),
    manifest,
    files: resources.length,
    bytes: digests.reduce((s, d) => s + d.bytes, 0),
  };
}

export type VerifyWeightsResult =
  | { ok: true; rootDigest: Digest }
  | {
      ok: false;
      code: 'mismatch';
      message: string;
      /** The first file, in manifest order, that is changed, missing or extra; only known with an expected manifest. */
      firstDifferingFile?: string;
      difference?: 'changed' | 'missing' | 'extra';
      expectedRootDigest: Digest;
      actualRootDigest: Digest;
    };

export interface VerifyOptions extends HashFilesOptions {
  /**
   * The manifest the root digest came from. With it, a mismatch names the
   * first differing file, and the folder is hashed with the manifest's own
   * ignore_paths. It must add up to `expectedRootDigest` (bad_input if not).
   */
  expectedManifest?: unknown;
  /** Without an expected manifest: extra paths to leave out, as for attestWeights. */
  ignorePaths?: readonly string[];
  ignoreGitPaths?: boolean;
}

/**
 * Re-hashes the folder and compares with the expected root digest
 * (`sha256:<hex>` or bare hex). A mismatch is returned, not thrown; a folder
 * that cannot be hashed (missing, holding a symlink) throws bad_input.
 */
export async function verifyWeights(
  dir: string,
  expectedRootDigest: string,
  options: VerifyOptions = {},
): Promise<VerifyWeightsResult> {
  const expectedHex = parseRootDigest(expectedRootDigest);
  const expected =
    options.expectedManifest === undefined ? undefined : parseModelSigningStatement(options.expectedManifest);
  if (expected && expected.subject[0].digest.sha256 !== expectedHex) {
    throw badInput(
      `the expected manifest is for sha256:${expected.subject[0].digest.sha256}, not the expected root digest sha256:${expectedHex}`,
    );
  }
  const attestOptions: AttestOptions = expected
    ? { ...options, ignoreGitPaths: false, ignorePaths: expected.predicate.serialization.ignore_paths }
    : options;
  // An emptied folder is a mismatch like any other, not an error.
  const actual = await attest(dir, attestOptions, true);
  const actualHex = actual.manifest.subject[0].digest.sha256;
  if (actualHex === expectedHex) return { ok: true, rootDigest: actual.rootDigest };

  const base = {
    ok: false as const,
    code: 'mismatch' as const,
    expectedRootDigest: toDigest(expectedHex),
    actualRootDigest: actual.rootDigest,
  };
  if (!expected) {
    return {
      ...base,
      message: `model folder ${dir} hashes to ${actual.rootDigest}, expected sha256:${expectedHex} (give the expected manifest to name the differing file)`,
    };
  }
  const diff = firstDifference(expected.predicate.resources, actual.manifest.predicate.resources);
  if (!diff) {
    // Cannot happen: equal resource lists hash to equal roots. Reported rather than asserted.
    return { ...base, message: `model folder ${dir} hashes to ${actual.rootDigest}, expected sha256:${expectedHex}` };
  }
  const what =
    diff.kind === 'changed'
      ? `${diff.name} differs (expected sha256:${diff.expected}, got sha256:${diff.actual})`
      : diff.kind === 'missing'
        ? `${diff.name} is missing`
        : `${diff.name} is not in the expected manifest`;
  return {
    ...base,
    firstDifferingFile: diff.name,
    difference: diff.kind,
    message: `model folder ${dir} does not match sha256:${expectedHex}: ${what}`,
  };
}

type Difference = { name: string } & (
  | { kind: 'changed'; expected: string; actual: string }
  | { kind: 'missing' }
  | { kind: 'extra' }
);

/** Walks two sorted resource lists together; the first name where they disagree. */
export function firstDifference(
  expected: readonly FileResource[],
  actual: readonly FileResource[],
): Difference | undefined {
  let i = 0;
  let j = 0;
  while (i < expected.length || j < actual.length) {
    const e = expected[i];
    const a = actual[j];
    if (!a) return { name: e!.name, kind: 'missing' };
    if (!e) return { name: a.name, kind: 'extra' };
    const c = comparePaths(e.name, a.name);
    if (c < 0) return { name: e.name, kind: 'missing' };
    if (c > 0) return { name: a.name, kind: 'extra' };
    if (e.digest !== a.digest) return { name: e.name, kind: 'changed', expected: e.digest, actual: a.digest };
    i++;
    j++;
  }
  return undefined;
}
