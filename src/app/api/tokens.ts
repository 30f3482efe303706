import { randomBytes } from 'node:crypto';
import { sameHex, sha256Hex } from '../../kernel/digest.js';

export const ROLES = ['viewer', 'operator', 'approver'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What each role may do on the control API. viewer: read status; operator:
 * pause, resume, abort, rollback, stop a shadow; approver: also promote, start
 * rollouts, start a shadow (which sends production requests to another release) and
 * override a gate.
 * Sending OTLP spans in (POST /v1/traces) needs a viewer token: it records traffic, it decides nothing.
 */
const RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 2 };

export type ApiAction =
  | 'read'
  | 'pause'
  | 'resume'
  | 'abort'
  | 'rollback'
  | 'promote'
  | 'roll'
  | 'shadow-start'
  | 'shadow-stop'
  | 'ingest'
  | 'override';

const NEEDS: Record<ApiAction, Role> = {
  read: 'viewer',
  pause: 'operator',
  resume: 'operator',
  abort: 'operator',
  rollback: 'operator',
  promote: 'approver',
  roll: 'approver',
  'shadow-start': 'approver',
  'shadow-stop': 'operator',
  /** POST /v1/traces: an application's OTLP spans, kept as traces (like the gateway's own). */
  ingest: 'viewer',
  override: 'approver',
};

export function allows(role: Role, action: ApiAction): boolean {
  return RANK[role] >= RANK[NEEDS[action]];
}

export function requiredRole(action: ApiAction): Role {
  return NEEDS[action];
}

/** A new bearer token: shown once; only its hash is stored. */
export function newToken(): { token: string; hash: string } {
  const token = `slc_${randomBytes(24).toString('base64url')}`;
  return { token, hash: tokenHash(token) };
}

export function tokenHash(token: string): string {
  return sha256Hex(token);
}

/** Constant-time comparison of two hex hashes (crypto.timingSafeEqual). */
export const sameHash = sameHex;

/** Why a stored token is not accepted now, or undefined when it is. */
export function tokenRefusal(
  t: { expiresAt: string | null; revokedAt: string | null },
  now: number,
): 'revoked' | 'expired' | undefined {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && Date.parse(t.expiresAt) <= now) return 'expired';
  return undefined;
}
