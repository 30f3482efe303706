import { SluiceError } from '../../kernel/errors.js';
import { legacyStickyHash, stickyHash } from '../../gateway/routing/sticky.js';
import type { TraceStore } from '../../gateway/trace-store.js';
import type { ShadowStore } from '../../shadow/shadow-store.js';

/**
 * Erasure: the stored content (inputs and outputs) of a person's traces and
 * shadow pairs, and/or of everything before a date, is replaced by a marker
 * holding its digest. Ids, releases, arms, slices, latencies, tokens and costs
 * stay, so aggregates and forensics keep their numbers; receipts never held
 * content, so the audit log is untouched and still verifies.
 */

export interface EraseRequest {
  /** The sticky key as clients send it (the `user` field, or the sticky header's value). */
  readonly user?: string;
  /** Content created before this time (ISO 8601 date or date-time). */
  readonly before?: string;
  /** PostgreSQL: rewrite the tables afterwards (VACUUM FULL) so no replaced row version stays in them. */
  readonly vacuum?: boolean;
}

export interface EraseResult {
  /** Hex HMAC-SHA256 of the key under the project's sticky-hash key: what the traces hold instead of it. */
  readonly sticky_hash: string | null;
  readonly before: string | null;
  readonly traces: number;
  readonly shadow_pairs: number;
  /** What was done to remove the database's own copies of the replaced content (SQLite: its write-ahead log). */
  readonly purged: readonly string[];
  /** Copies that may remain, and how to remove them. */
  readonly remaining: readonly string[];
}

/** `--before` as an ISO time: a date (midnight UTC) or a date-time; anything else is bad usage. */
export function parseBefore(text: string): string {
  const t = text.trim();
  const ms = /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(t) ? Date.parse(t) : NaN;
  if (!Number.isFinite(ms))
    throw new SluiceError(
      'bad_usage',
      `--before takes a date such as 2026-01-31 or 2026-01-31T12:00:00Z, not "${text}"`,
    );
  return new Date(ms).toISOString();
}

/**
 * Erases by sticky key and/or date. `stickySecret` is the project's
 * sticky-hash key; traces stored before sticky hashes were keyed hold the
 * plain SHA-256 of the key, and are erased too.
 */
export async function eraseContent(
  store: Pick<TraceStore, 'eraseTraceContent' | 'purgeErasedContent'> & Pick<ShadowStore, 'eraseShadowPairContent'>,
  req: EraseRequest,
  stickySecret: Uint8Array,
): Promise<EraseResult> {
  if (req.user === undefined && req.before === undefined)
    throw new SluiceError('bad_usage', 'traces erase needs --user KEY, --before DATE, or both');
  if (req.user !== undefined && req.user === '') throw new SluiceError('bad_usage', '--user needs a non-empty key');
  const before = req.before !== undefined ? { before: parseBefore(req.before) } : {};
  const hashes =
    req.user !== undefined ? [stickyHash(req.user, stickySecret), legacyStickyHash(req.user)] : [undefined];
  let traces = 0;
  let pairs = 0;
  for (const hash of hashes) {
    const filter = { ...(hash !== undefined ? { stickyHash: hash } : {}), ...before };
    traces += await store.eraseTraceContent(filter);
    pairs += await store.eraseShadowPairContent(filter);
  }
  // Replaced content must not survive beside the markers: SQLite's log, PostgreSQL's dead row versions (--vacuum).
  const purge = await store.purgeErasedContent({ rewrite: req.vacuum === true });
  return {
    sticky_hash: hashes[0] ?? null,
    before: before.before ?? null,
    traces,
    shadow_pairs: pairs,
    purged: purge.done,
    remaining: purge.remaining,
  };
}
