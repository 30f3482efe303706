import { describe, expect, it } from 'vitest';
import { emptyRoot, leafHash, nodeHash, rootFromLeafHashes } from './merkle-hash.js';

// Known values from transparency-dev/merkle rfc6962 tests; see test/fixtures/vectors/README.md.
const hex = (b: Buffer): string => b.toString('hex');

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree to SHA-256 of nothing', () => {
    expect(hex(emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(rootFromLeafHashes([]))).toBe(hex(emptyRoot()));
  });

  it('hashes the empty leaf', () => {
    expect(hex(leafHash(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('hashes leaf "L123456"', () => {
    expect(hex(leafHash(Buffer.from('L123456')))).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
  });

  it('hashes node("N123", "N456")', () => {
    expect(hex(nodeHash(Buffer.from('N123'), Buffer.from('N456')))).toBe(
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });

  it('takes a single leaf hash as the root of a one-leaf tree', () => {
    const h = leafHash(Buffer.from('a'));
    expect(rootFromLeafHashes([h]).equals(h)).toBe(true);
  });

  it('splits at the largest power of two below n', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((s) => leafHash(Buffer.from(s))) as [Buffer, Buffer, Buffer];
    expect(rootFromLeafHashes([a, b, c]).equals(nodeHash(nodeHash(a, b), c))).toBe(true);
  });
});
