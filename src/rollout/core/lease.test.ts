import { describe, expect, it } from 'vitest';
import { mayAct, shouldAct } from './lease.js';

const NOW = 1_000_000;
const TTL = 15_000;

describe('shouldAct', () => {
  it('acquires a missing or expired lease', () => {
    expect(shouldAct(null, 'a', NOW, TTL)).toEqual({
      decision: 'acquire',
      lease: { holder: 'a', expiresAt: NOW + TTL },
    });
    expect(shouldAct({ holder: 'b', expiresAt: NOW - 1 }, 'a', NOW, TTL).decision).toBe('acquire');
    expect(shouldAct({ holder: 'b', expiresAt: NOW }, 'a', NOW, TTL).decision).toBe('acquire'); // expiry is exclusive
  });

  it('renews its own live lease', () => {
    expect(shouldAct({ holder: 'a', expiresAt: NOW + 1 }, 'a', NOW, TTL)).toEqual({
      decision: 'renew',
      lease: { holder: 'a', expiresAt: NOW + TTL },
    });
  });

  it('re-acquires its own expired lease rather than renewing it', () => {
    expect(shouldAct({ holder: 'a', expiresAt: NOW - 1 }, 'a', NOW, TTL).decision).toBe('acquire');
  });

  it('stands by while another holds a live lease', () => {
    const theirs = { holder: 'b', expiresAt: NOW + 5 };
    const d = shouldAct(theirs, 'a', NOW, TTL);
    expect(d).toEqual({ decision: 'standby', lease: theirs });
    expect(mayAct(d)).toBe(false);
    expect(mayAct(shouldAct(null, 'a', NOW, TTL))).toBe(true);
  });

  it('two controllers reading the same lease: only one may act', () => {
    const lease = { holder: 'a', expiresAt: NOW + TTL };
    expect([shouldAct(lease, 'a', NOW, TTL), shouldAct(lease, 'b', NOW, TTL)].filter(mayAct)).toHaveLength(1);
  });

  it('refuses a non-positive ttl or an empty name', () => {
    expect(() => shouldAct(null, 'a', NOW, 0)).toThrow(RangeError);
    expect(() => shouldAct(null, '', NOW, TTL)).toThrow(RangeError);
  });
});
