import { createHmac } from 'node:crypto';
import { sha256Hex, sha256Prefix48 } from '../../kernel/digest.js';
import type { Arm } from '../../store/store.js';

export type { Arm };

/** Where the sticky key comes from: the request's `user` field, the gateway key's name, or a header (gateway.sticky in sluice.yaml). */
export type StickySpec = 'user' | 'key' | `header:${string}`;

/** Buckets a sticky key falls into; the canary takes the first weight × 100 of them. */
export const BUCKETS = 10_000;

/** The request's sticky key under `spec`; undefined when it has none (or an empty one). */
export function stickyKey(
  spec: StickySpec,
  user: string | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  client?: string,
): string | undefined {
  if (spec === 'user') return user ? user : undefined;
  if (spec === 'key') return client ? client : undefined;
  const value = headers[spec.slice('header:'.length).toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first : undefined;
}

/** The key's bucket, 0 … 9,999, for this rollout: fixed for the whole rollout, independent across rollouts. */
export function bucketOf(key: string, rolloutId: string): number {
  return sha256Prefix48(`${rolloutId}\0${key}`) % BUCKETS;
}

/**
 * What traces and shadow pairs keep instead of a sticky key: hex
 * HMAC-SHA256 of the key under the project's secret (sticky-secret.ts), so a
 * guessed user id cannot be confirmed against a stored hash without the key.
 */
export function stickyHash(key: string, secret: Uint8Array): string {
  return createHmac('sha256', secret).update(key).digest('hex');
}

/** The unkeyed SHA-256 that traces stored before keyed hashes hold; `traces erase --user` matches it too. */
export function legacyStickyHash(key: string): string {
  return sha256Hex(key);
}

export interface ArmChoiceInput {
  readonly rolloutId: string | null;
  readonly hasCandidate: boolean;
  /** The canary's share in percent, 0–100. */
  readonly weight: number;
}

/**
 * The arm a request goes to. A key keeps its bucket for the whole rollout, so
 * as the weight only grows a canary user stays canary; without a key each
 * request draws a fresh bucket.
 */
export function chooseArm(route: ArmChoiceInput, key: string | undefined, random: () => number = Math.random): Arm {
  if (!route.hasCandidate || !(route.weight > 0)) return 'stable';
  if (route.weight >= 100) return 'canary';
  const bucket = key === undefined ? Math.floor(random() * BUCKETS) : bucketOf(key, route.rolloutId ?? '');
  return bucket < route.weight * (BUCKETS / 100) ? 'canary' : 'stable';
}
