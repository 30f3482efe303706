import { describe, expect, it } from 'vitest';
import { allows, newToken, sameHash, tokenHash } from './tokens.js';

describe('control API tokens', () => {
  it('gives each role what it needs and no more', () => {
    expect(allows('viewer', 'read')).toBe(true);
    expect(allows('viewer', 'rollback')).toBe(false);
    expect(allows('operator', 'rollback')).toBe(true);
    expect(allows('operator', 'promote')).toBe(false);
    expect(allows('approver', 'promote')).toBe(true);
    expect(allows('approver', 'roll')).toBe(true);
  });

  it('stores only a hash and compares in constant time', () => {
    const { token, hash } = newToken();
    expect(token).toMatch(/^slc_[A-Za-z0-9_-]{32}$/);
    expect(hash).toBe(tokenHash(token));
    expect(sameHash(hash, tokenHash(token))).toBe(true);
    expect(sameHash(hash, tokenHash(`${token}x`))).toBe(false);
  });
});
