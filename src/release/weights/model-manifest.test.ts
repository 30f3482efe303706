import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../kernel/errors.js';
import {
  buildStatement,
  comparePaths,
  MODEL_SIGNING_PREDICATE_TYPE,
  normalizeIgnorePaths,
  parseModelSigningStatement,
  parseRootDigest,
  rootDigestHex,
  type FileResource,
} from './model-manifest.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const res = (name: string, content = name): FileResource => ({ name, algorithm: 'sha256', digest: sha(content) });

function expectBadInput(f: () => unknown, message: RegExp) {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    expect((e as SluiceError).code).toBe('bad_input');
    expect((e as SluiceError).message).toMatch(message);
    return;
  }
  throw new Error('expected a bad_input error');
}

describe('comparePaths (model_signing order)', () => {
  it('compares component by component, so a folder sorts before its name with an extension', () => {
    // As plain strings "a.txt" < "a/b" ('.' is 0x2e, '/' is 0x2f); by components "a" < "a.txt".
    expect(['a.txt', 'a/b', 'a-b', 'a'].sort(comparePaths)).toEqual(['a', 'a/b', 'a-b', 'a.txt']);
    expect(['d1/f10', 'f0', 'd0/f02', 'd0/f00'].sort(comparePaths)).toEqual(['d0/f00', 'd0/f02', 'd1/f10', 'f0']);
  });

  it('orders by code point: upper case before lower case, astral characters after the rest of the BMP', () => {
    expect(['b', 'B', 'a', 'A'].sort(comparePaths)).toEqual(['A', 'B', 'a', 'b']);
    // U+FFFD is one UTF-16 unit (0xfffd); U+1F600 is a surrogate pair starting 0xd83d. By code point U+FFFD comes first.
    expect(['\u{1F600}', '\uFFFD'].sort(comparePaths)).toEqual(['\uFFFD', '\u{1F600}']);
    expect(['é', 'z', 'e'].sort(comparePaths)).toEqual(['e', 'z', 'é']);
  });

  it('is 0 only for equal paths', () => {
    expect(comparePaths('a/b', 'a/b')).toBe(0);
    expect(comparePaths('a/b', 'a/b/c')).toBeLessThan(0);
  });
});

describe('rootDigestHex', () => {
  it('is SHA-256 over the raw per-file digests in order', () => {
    const a = res('a');
    const b = res('b');
    const expected = createHash('sha256')
      .update(Buffer.from(a.digest, 'hex'))
      .update(Buffer.from(b.digest, 'hex'))
      .digest('hex');
    expect(rootDigestHex([a, b])).toBe(expected);
    expect(rootDigestHex([b, a])).not.toBe(expected);
    expect(rootDigestHex([])).toBe(sha(''));
  });

  it("matches model_signing's own payload for its sample_model_folder test model", () => {
    // Resources and subject digest of model_signing's golden payload for the
    // folder d0/f00..f02, d1/f10..f12, f0..f3 (its tests' sample_model_folder).
    const digests = [
      'fdd8925354242a7fd1515e79534317b800015607a609cd306e0b4dcfe6c92249',
      'e16940b5e44ce981150bda37c4ba95881a749a521b4a297c5cdf97bdcfe965e6',
      '407822246ea8f9e26380842c3f4cd10d7b23e78f1fe7c74c293608682886a426',
      '6a3b08b5df77c4d418ceee1ac136a9ad49fc7c41358b5e82c1176daccb21ff3f',
      'a484b3d8ea5e99b75f9f123f9a42c882388693edc7d85d82ccba54834712cadf',
      '8f577930f5f40c2c2133cb299d36f9527fde98c1608569017cae6b5bcd01abb3',
      '997b37cc51f1ca1c7a270466607e26847429cd7264c30148c1b9352e224083fc',
      'c88a04d48353133fb065ba2c8ab369abab21395b9526aa20373ad828915fa7ae',
      '700e3ba5065d8dd47e41fd928ea086670d628f891ba363be0ca3c31d20d7d719',
      '912bcf5ebdf44dc7b4085b07940e0a81d157fba24b276e73fd911121d4544c4a',
    ];
    expect(rootDigestHex(digests.map((digest) => ({ digest })))).toBe(
      '143cc682e555951649f18e2761c3d526d2502996f5e32dc187ef7f8a614f8df7',
    );
  });
});

describe('buildStatement', () => {
  it('writes the in-toto statement in the model-signing v1.0 shape, resources sorted', () => {
    const st = buildStatement(
      'm',
      [res('f1'), res('d/x'), res('f0')],
      ['.git', '.gitattributes', '.github', '.gitignore'],
    );
    expect(Object.keys(st)).toEqual(['_type', 'subject', 'predicateType', 'predicate']);
    expect(st._type).toBe('https://in-toto.io/Statement/v1');
    expect(st.predicateType).toBe('https://model_signing/signature/v1.0');
    expect(st.predicate.serialization).toEqual({
      method: 'files',
      hash_type: 'sha256',
      allow_symlinks: false,
      ignore_paths: ['.git', '.gitattributes', '.github', '.gitignore'],
    });
    expect(st.predicate.resources.map((r) => r.name)).toEqual(['d/x', 'f0', 'f1']);
    expect(Object.keys(st.predicate.resources[0]!)).toEqual(['name', 'algorithm', 'digest']);
    expect(st.subject).toEqual([{ name: 'm', digest: { sha256: rootDigestHex(st.predicate.resources) } }]);
  });
});

describe('parseRootDigest', () => {
  it('takes sha256:<hex> or bare hex', () => {
    const hex = sha('x');
    expect(parseRootDigest(`sha256:${hex}`)).toBe(hex);
    expect(parseRootDigest(hex)).toBe(hex);
  });
  it('refuses anything else with bad_input', () => {
    expectBadInput(() => parseRootDigest('sha256:abc'), /root digest/);
    expectBadInput(() => parseRootDigest(`sha512:${sha('x')}`), /root digest/);
    expectBadInput(() => parseRootDigest(sha('x').toUpperCase()), /root digest/);
  });
});

describe('normalizeIgnorePaths', () => {
  it('strips ./ and trailing slashes, sorts and de-duplicates', () => {
    expect(normalizeIgnorePaths(['./b', 'a', 'b', '.git/'])).toEqual(['.git', 'a', 'b']);
  });
  it('refuses paths that leave the folder', () => {
    expectBadInput(() => normalizeIgnorePaths(['/etc']), /relative path/);
    expectBadInput(() => normalizeIgnorePaths(['a/../../b']), /relative path/);
    expectBadInput(() => normalizeIgnorePaths(['']), /relative path/);
  });
});

describe('parseModelSigningStatement', () => {
  const good = () => JSON.parse(JSON.stringify(buildStatement('m', [res('a'), res('b/c')], ['.git'])));

  it('round-trips what buildStatement writes', () => {
    expect(parseModelSigningStatement(good())).toEqual(good());
  });

  it('accepts resources in any order and allow_symlinks true, normalizing both', () => {
    const st = good();
    st.predicate.resources.reverse();
    st.predicate.serialization.allow_symlinks = true;
    delete st.predicate.serialization.ignore_paths;
    const parsed = parseModelSigningStatement(st);
    expect(parsed.predicate.resources.map((r) => r.name)).toEqual(['a', 'b/c']);
    expect(parsed.predicate.serialization.allow_symlinks).toBe(false);
    expect(parsed.predicate.serialization.ignore_paths).toEqual([]);
  });

  it('refuses a manifest whose resources do not hash to its subject', () => {
    const st = good();
    st.predicate.resources[0].digest = sha('tampered');
    expectBadInput(() => parseModelSigningStatement(st), /resources hash to sha256:/);
  });

  it('refuses what Sluice cannot reproduce or read', () => {
    const shards = good();
    shards.predicate.serialization.method = 'shards';
    expectBadInput(() => parseModelSigningStatement(shards), /method "shards" is not supported/);
    const blake = good();
    blake.predicate.serialization.hash_type = 'blake2';
    expectBadInput(() => parseModelSigningStatement(blake), /hash_type/);
    const type = { ...good(), predicateType: 'https://model_signing/Digests/v0.1' };
    expectBadInput(
      () => parseModelSigningStatement(type),
      new RegExp(MODEL_SIGNING_PREDICATE_TYPE.replaceAll('.', '\\.')),
    );
    const dup = good();
    dup.predicate.resources.push(dup.predicate.resources[0]);
    expectBadInput(() => parseModelSigningStatement(dup), /listed twice/);
    expectBadInput(() => parseModelSigningStatement([]), /not a JSON object/);
  });
});
