/**
 * Which controller acts: a pure decision over the lease as last read from the
 * store. The store-backed lease applies the returned lease with a
 * compare-and-set against the one read, so when two controllers both decide
 * to acquire, one write wins and the other stands by.
 *
 * - no lease, or one that has expired (expiresAt ≤ now): acquire;
 * - a live lease held by me: renew (expiresAt = now + ttl);
 * - a live lease held by another: standby until it expires.
 */

export interface Lease {
  readonly holder: string;
  readonly expiresAt: number;
}

export type LeaseDecision =
  | { readonly decision: 'acquire' | 'renew'; readonly lease: Lease }
  | { readonly decision: 'standby'; readonly lease: Lease };

export function shouldAct(lease: Lease | null, me: string, now: number, ttlMs: number): LeaseDecision {
  if (me.length === 0) throw new RangeError('lease holder name is empty');
  if (!Number.isFinite(now)) throw new RangeError('now must be a finite number of ms');
  if (!(Number.isFinite(ttlMs) && ttlMs > 0)) throw new RangeError(`ttlMs must be > 0, got ${String(ttlMs)}`);
  const mine: Lease = { holder: me, expiresAt: now + ttlMs };
  if (lease === null || lease.expiresAt <= now) return { decision: 'acquire', lease: mine };
  if (lease.holder === me) return { decision: 'renew', lease: mine };
  return { decision: 'standby', lease };
}

/** Whether a lease decision lets this controller run the tick. */
export function mayAct(d: LeaseDecision): boolean {
  return d.decision !== 'standby';
}
