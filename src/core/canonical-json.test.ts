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
