import { createHash } from 'node:crypto';
import { STATEMENT_TYPE, type Statement } from '../../audit/envelope/in-toto.js';
import type { Digest } from '../../kernel/digest.js';
import { badInput } from '../../kernel/errors.js';

/**
 * The OpenSSF model-signing manifest (predicate v1.0, "files" serialization),
 * as an in-toto Statement v1:
 *
 *   subject[0]       { name: <model folder's basename>, digest: { sha256: <root> } }
 *   predicateType    https://model_signing/signature/v1.0
 *   predicate        { serialization: { method: 'files', hash_type: 'sha256',
 *                                       allow_symlinks: false, ignore_paths: [...] },
 *                      resources: [{ name, algorithm: 'sha256', digest }] }
 *
 * `resources` lists every regular file by its POSIX path relative to the model
 * folder, in model_signing's order (path components compared one by one, each
 * by Unicode code point). The root digest is SHA-256 over the concatenation of
 * the raw 32-byte file digests in that order, so it can be recomputed from the
 * resources alone and a manifest that does not add up is caught.
 */

export const MODEL_SIGNING_PREDICATE_TYPE = 'https://model_signing/signature/v1.0';

/**
 * Paths model_signing ignores by default (its `ignore_git_paths`), relative to
 * the model folder. Like model_signing, they apply at the top of the folder
 * only: a nested `sub/.git` is hashed like any other folder.
 */
export const DEFAULT_IGNORE_PATHS: readonly string[] = ['.git', '.gitattributes', '.github', '.gitignore'];

export type FileResource = {
  name: string;
  algorithm: 'sha256';
  digest: string;
};

// Type aliases rather than interfaces, so a statement stays assignable to the
// audit core's `Statement` (whose predicate is a JSON object) and can be signed.
export type FileSerialization = {
  method: 'files';
  hash_type: 'sha256';
  allow_symlinks: false;
  ignore_paths: string[];
};

export type ModelSigningPredicate = {
  serialization: FileSerialization;
  resources: FileResource[];
};

export type ModelSigningStatement = {
  _type: typeof STATEMENT_TYPE;
  subject: [{ name: string; digest: { sha256: string } }];
  predicateType: typeof MODEL_SIGNING_PREDICATE_TYPE;
  predicate: ModelSigningPredicate;
};

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * model_signing's order for relative POSIX paths: component by component,
 * each compared by code point, a path before its own extensions ("a/b" sorts
 * before "a.txt" because "a" < "a.txt"). Mapping "/" to U+0000, which no path
 * component contains, turns that into one string comparison by code point.
 */
export function comparePaths(a: string, b: string): number {
  return compareCodePoints(a.replaceAll('/', '\u0000'), b.replaceAll('/', '\u0000'));
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order matches code point order except that surrogates (astral
    // characters) must sort after U+E000..U+FFFF.
    return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}

/** SHA-256 over the raw digests of the resources, in the order given. */
export function rootDigestHex(resources: readonly { digest: string }[]): string {
  const h = createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

export function toDigest(hex: string): Digest {
  return `sha256:${hex}`;
}

/** Bare lowercase hex from `sha256:<hex>` or `<hex>`; bad_input otherwise. */
export function parseRootDigest(value: string): string {
  const hex = value.startsWith('sha256:') ? value.slice('sha256:'.length) : value;
  if (!HEX64.test(hex))
    throw badInput(`expected a root digest as sha256:<64 lowercase hex>, got ${JSON.stringify(value)}`);
  return hex;
}

/** Normalized, sorted, de-duplicated ignore paths as the manifest records them. */
export function normalizeIgnorePaths(paths: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const raw of paths) {
    const p = raw
      .replaceAll('\\', '/')
      .replace(/^(\.\/)+/, '')
      .replace(/\/+$/, '');
    const parts = p.split('/');
    if (p === '' || p.startsWith('/') || parts.some((s) => s === '' || s === '.' || s === '..')) {
      throw badInput(`ignore path ${JSON.stringify(raw)} must be a relative path inside the model folder`);
    }
    out.add(p);
  }
  return [...out].sort(comparePaths);
}

/** Builds the statement; resources are sorted here so callers cannot get the order wrong. */
export function buildStatement(
  modelName: string,
  resources: readonly FileResource[],
  ignorePaths: readonly string[],
): ModelSigningStatement {
  const sorted = [...resources].sort((a, b) => comparePaths(a.name, b.name));
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: modelName, digest: { sha256: rootDigestHex(sorted) } }],
    predicateType: MODEL_SIGNING_PREDICATE_TYPE,
    predicate: {
      serialization: {
        method: 'files',
        hash_type: 'sha256',
        allow_symlinks: false,
        ignore_paths: [...ignorePaths],
      },
      resources: sorted.map((r) => ({ name: r.name, algorithm: 'sha256', digest: r.digest })),
    },
  };
}

/** The statement as the audit core's generic Statement, ready for DSSE signing. */
export function asInTotoStatement(statement: ModelSigningStatement): Statement {
  return statement;
}

/**
 * Shape-checks a model-signing statement (parsed JSON) and checks that its
 * resources hash to its subject digest. Only what Sluice can reproduce is
 * accepted: the "files" method with sha256. bad_input otherwise. The result is
 * normalized to what Sluice writes (allow_symlinks false, resources sorted).
 */
export function parseModelSigningStatement(value: unknown): ModelSigningStatement {
  const fail = (why: string) => badInput(`not a model-signing v1.0 manifest: ${why}`);
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const s = obj(value);
  if (!s) throw fail('not a JSON object');
  if (s._type !== STATEMENT_TYPE) throw fail(`_type is not ${STATEMENT_TYPE}`);
  if (s.predicateType !== MODEL_SIGNING_PREDICATE_TYPE)
    throw fail(`predicateType is not ${MODEL_SIGNING_PREDICATE_TYPE}`);
  if (!Array.isArray(s.subject) || s.subject.length !== 1) throw fail('expected exactly one subject');
  const sub = obj(s.subject[0]);
  const subDigest = obj(sub?.digest);
  if (typeof sub?.name !== 'string' || typeof subDigest?.sha256 !== 'string' || !HEX64.test(subDigest.sha256)) {
    throw fail('the subject needs a name and a lowercase sha256 digest');
  }
  const predicate = obj(s.predicate);
  const ser = obj(predicate?.serialization);
  if (!predicate || !ser) throw fail('predicate.serialization is missing');
  if (ser.method !== 'files')
    throw fail(`serialization method ${JSON.stringify(ser.method)} is not supported (only "files")`);
  if (ser.hash_type !== 'sha256')
    throw fail(`hash_type ${JSON.stringify(ser.hash_type)} is not supported (only "sha256")`);
  // allow_symlinks true is accepted: Sluice refuses symlinks whatever the
  // manifest allows, so a folder that passes has none and hashes the same.
  if (typeof ser.allow_symlinks !== 'boolean') throw fail('allow_symlinks must be true or false');
  const ignore = ser.ignore_paths ?? [];
  if (!Array.isArray(ignore) || ignore.some((p) => typeof p !== 'string'))
    throw fail('ignore_paths must be a list of strings');
  if (!Array.isArray(predicate.resources)) throw fail('predicate.resources is missing');
  const resources: FileResource[] = [];
  const seen = new Set<string>();
  for (const r of predicate.resources as unknown[]) {
    const o = obj(r);
    if (
      typeof o?.name !== 'string' ||
      o.algorithm !== 'sha256' ||
      typeof o.digest !== 'string' ||
      !HEX64.test(o.digest)
    ) {
      throw fail('each resource needs a name, algorithm "sha256" and a lowercase hex digest');
    }
    if (seen.has(o.name)) throw fail(`resource ${o.name} is listed twice`);
    seen.add(o.name);
    resources.push({ name: o.name, algorithm: 'sha256', digest: o.digest });
  }
  resources.sort((a, b) => comparePaths(a.name, b.name));
  const computed = rootDigestHex(resources);
  if (computed !== subDigest.sha256) {
    throw fail(`the subject digest is sha256:${subDigest.sha256} but the resources hash to sha256:${computed}`);
  }
  // An ignore path that cannot name anything inside the model folder (absolute,
  // or climbing out with "..") has no effect on what is hashed, so it is dropped.
  const usable = (ignore as string[]).filter((p) => {
    try {
      normalizeIgnorePaths([p]);
      return true;
    } catch {
      return false;
    }
  });
  return buildStatement(sub.name, resources, normalizeIgnorePaths(usable));
}
