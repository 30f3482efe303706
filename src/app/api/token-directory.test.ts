import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../kernel/clock.js';
import { openStore } from '../../store/open-store.js';
import { freshSqliteUrl } from '../../store/test-support/store-factories.js';
import { tokenDirectory } from './token-directory.js';
import { newToken, tokenRefusal } from './tokens.js';

const DAY = 86_400_000;

/** Virtual time: the test moves it. */
function manualClock(start: number): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, sleep: async () => {}, advance: (ms) => (t += ms) };
}

describe('control-API token lifetime', () => {
  it('refuses revoked tokens and tokens past their expiry, to the millisecond', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const expiresAt = new Date(t0 + 30 * DAY).toISOString();
    expect(tokenRefusal({ expiresAt, revokedAt: null }, t0 + 30 * DAY - 1)).toBeUndefined();
    expect(tokenRefusal({ expiresAt, revokedAt: null }, t0 + 30 * DAY)).toBe('expired');
    expect(tokenRefusal({ expiresAt: null, revokedAt: null }, t0 + 10_000 * DAY)).toBeUndefined();
    expect(tokenRefusal({ expiresAt: null, revokedAt: new Date(t0).toISOString() }, t0)).toBe('revoked');
  });

  it('accepts a live token, records its last use, and stops at expiry and at revocation (SQLite, virtual time)', async () => {
    const url = freshSqliteUrl();
    const store = await openStore(url);
    const t0 = Date.UTC(2026, 0, 1);
    const clock = manualClock(t0);
    const dir = tokenDirectory(store, clock);
    expect(await dir.any()).toBe(false);

    const lasting = newToken();
    const brief = newToken();
    await store.putToken({ hash: lasting.hash, name: 'oncall', role: 'operator' });
    await store.putToken({
      hash: brief.hash,
      name: 'ci',
      role: 'approver',
      expiresAt: new Date(t0 + 30 * DAY).toISOString(),
    });
    expect(await dir.any()).toBe(true);

    clock.advance(DAY);
    expect(await dir.lookup(brief.hash)).toEqual({ name: 'ci', role: 'approver' });
    expect((await store.tokenByHash(brief.hash))?.lastUsedAt).toBe(new Date(t0 + DAY).toISOString());
    expect(await dir.lookup(newToken().hash)).toBeUndefined();

    clock.advance(29 * DAY);
    expect(await dir.lookup(brief.hash)).toBeUndefined();
    expect((await store.tokenByHash(brief.hash))?.lastUsedAt).toBe(new Date(t0 + DAY).toISOString());
    expect(await dir.lookup(lasting.hash)).toEqual({ name: 'oncall', role: 'operator' });

    await store.revokeTokens('oncall', new Date(clock.now()).toISOString());
    expect(await dir.lookup(lasting.hash)).toBeUndefined();
    // Every token revoked or expired: the API still requires one.
    expect(await dir.any()).toBe(true);
    await store.close();
    rmSync(dirname(url.slice('sqlite:'.length)), { recursive: true, force: true });
  });
});
