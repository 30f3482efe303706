import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, chooseArm, legacyStickyHash, stickyHash, stickyKey } from './sticky.js';

const users = Array.from({ length: 4000 }, (_, i) => `user-${i}`);

describe('sticky assignment', () => {
  it('reads the key from the user field or the named header', () => {
    expect(stickyKey('user', 'ana', { 'x-user': 'ben' })).toBe('ana');
    expect(stickyKey('user', '', {})).toBeUndefined();
    expect(stickyKey('header:X-User', 'ana', { 'x-user': 'ben' })).toBe('ben');
    expect(stickyKey('header:x-user', 'ana', { 'x-user': ['carla', 'dev'] })).toBe('carla');
    expect(stickyKey('header:x-user', 'ana', {})).toBeUndefined();
  });

  it('puts a key in a fixed bucket per rollout, spread evenly, independent across rollouts', () => {
    expect(bucketOf('ana', 'r-1')).toBe(bucketOf('ana', 'r-1'));
    const buckets = users.map((u) => bucketOf(u, 'r-1'));
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(BUCKETS);
    const low = buckets.filter((b) => b < BUCKETS / 10).length;
    expect(low / users.length).toBeGreaterThan(0.08);
    expect(low / users.length).toBeLessThan(0.12);
    const same = users.filter((u) => bucketOf(u, 'r-1') === bucketOf(u, 'r-2')).length;
    expect(same).toBeLessThan(10);
  });

  it('gives the canary about its weight, and keeps canary users canary as the weight grows', () => {
    let canaryBefore = new Set<string>();
    for (const weight of [5, 25, 50, 100]) {
      const route = { rolloutId: 'r-1', hasCandidate: true, weight };
      const canary = new Set(users.filter((u) => chooseArm(route, u) === 'canary'));
      expect(canary.size / users.length).toBeGreaterThan(weight / 100 - 0.03);
      expect(canary.size / users.length).toBeLessThanOrEqual(Math.min(1, weight / 100 + 0.03));
      for (const u of canaryBefore) expect(canary.has(u)).toBe(true);
      canaryBefore = canary;
    }
  });

  it('sends all to stable at weight 0 or without a candidate, all to canary at 100', () => {
    expect(users.every((u) => chooseArm({ rolloutId: 'r', hasCandidate: true, weight: 0 }, u) === 'stable')).toBe(true);
    expect(users.every((u) => chooseArm({ rolloutId: 'r', hasCandidate: false, weight: 100 }, u) === 'stable')).toBe(
      true,
    );
    expect(users.every((u) => chooseArm({ rolloutId: 'r', hasCandidate: true, weight: 100 }, u) === 'canary')).toBe(
      true,
    );
  });

  it('draws a fresh bucket per request without a key, and honours fractional weights', () => {
    const route = { rolloutId: 'r', hasCandidate: true, weight: 2.5 };
    expect(chooseArm(route, undefined, () => 0.0249)).toBe('canary');
    expect(chooseArm(route, undefined, () => 0.025)).toBe('stable');
  });

  it('hashes keys for traces with HMAC-SHA256 under the project key, so a guessed id cannot be confirmed without it', () => {
    const secret = Buffer.alloc(32, 7);
    expect(stickyHash('ana', secret)).toBe(createHmac('sha256', secret).update('ana').digest('hex'));
    expect(stickyHash('ana', secret)).not.toBe(createHash('sha256').update('ana').digest('hex'));
    expect(stickyHash('ana', secret)).not.toBe(stickyHash('ana', Buffer.alloc(32, 8)));
    expect(legacyStickyHash('ana')).toBe(createHash('sha256').update('ana').digest('hex'));
    // The bucket is SHA-256(rollout id, NUL, key), its first 48 bits mod 10,000: the same on every replica and version.
    for (const [key, rollout] of [
      ['ana', 'r-1'],
      ['bob', 'r-2'],
      ['żółw', 'rollout-9'],
    ] as const) {
      const expected =
        createHash('sha256').update(rollout).update('\0').update(key).digest().readUIntBE(0, 6) % BUCKETS;
      expect(bucketOf(key, rollout)).toBe(expected);
    }
    expect(stickyHash('ana', secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(stickyHash('ana', secret)).not.toBe(stickyHash('ben', secret));
  });
});
