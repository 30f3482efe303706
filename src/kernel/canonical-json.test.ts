import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalize, jsonDigest } from './canonical-json.js';

// RFC 8785 vectors from cyberphone/json-canonicalization (Apache-2.0); see test/fixtures/vectors/README.md.
const dir = join(import.meta.dirname, '../../test/fixtures/vectors/jcs');

describe('RFC 8785 canonical JSON', () => {
  for (const name of readdirSync(join(dir, 'input'))) {
    it(`matches the published vector ${name}`, () => {
      const input: unknown = JSON.parse(readFileSync(join(dir, 'input', name), 'utf8'));
      const expected = readFileSync(join(dir, 'output', name), 'utf8');
      expect(canonicalize(input)).toBe(expected);
    });
  }

  it('gives the same digest whatever the key order', () => {
    expect(jsonDigest({ b: 1, a: [1, 'x'] })).toBe(jsonDigest({ a: [1, 'x'], b: 1 }));
    expect(jsonDigest({ a: 1 })).not.toBe(jsonDigest({ a: 2 }));
  });
});

describe('RFC 8785 edge cases', () => {
  it('refuses values JSON cannot represent instead of mangling them', () => {
    expect(() => canonicalize({ a: Number.NaN })).toThrow(/no JSON representation/);
    expect(() => canonicalize([Infinity])).toThrow(/no JSON representation/);
    expect(() => canonicalize({ s: 'bad \uD800 surrogate' })).toThrow(/lone surrogate/);
    expect(() => canonicalize({ ['\uDC00']: 1 })).toThrow(/lone surrogate/);
  });

  it('keeps surrogate pairs, drops undefined members, and orders keys by UTF-16 code units', () => {
    expect(canonicalize({ '\u20ac': 1, '\uD83D\uDE00': 2, a: undefined, b: '𝄞' })).toBe('{"b":"𝄞","€":1,"😀":2}');
    expect(canonicalize({ n: -0, e: 1e21, f: 0.000001 })).toBe('{"e":1e+21,"f":0.000001,"n":0}');
  });
});

describe('RFC 8785 key order with array-index keys', () => {
  it('orders numeric-looking keys by code units, not numerically', () => {
    expect(canonicalize({ 2: 'b', 10: 'a', x: { 1: true, '': 0 } })).toBe('{"10":"a","2":"b","x":{"":0,"1":true}}');
  });
});
