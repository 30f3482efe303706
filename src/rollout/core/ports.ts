import type { Action } from './actions.js';
import type { Command } from './commands.js';
import type { DecisionDraft } from './decision-draft.js';
import type { Lease } from './lease.js';
import type { DesiredRoute } from './phase.js';
import type { Observation } from './reconcile.js';
import type { RolloutSpec, RolloutStatus } from './rollout-state.js';

/**
 * What the I/O edge implements around the pure controller. One tick:
 *
 *   lease  = shouldAct(await leases.read(name), me, clock(), ttl)   → standby: stop
 *            await leases.compareAndSet(name, read, lease.lease)     → lost: stop
 *   record = await rollouts.load(route)
 *   obs    = { now, ...await observer.observe(record.spec, record.status, now),
 *              commands: await commands.pending(rolloutId, status.commandSeq) }
 *   result = reconcile(spec, status, obs)
 *   await rollouts.commit(route, record.version, result.status, result.decisions)
 *   await router.apply(desiredRoute(spec, result.status), result.actions)
 *
 * The commit is the tick's one status write and holds the receipt drafts in
 * the same transaction; drafts are appended to the ledger by their key, once.
 * A crash before the commit replays the tick (same status, same keys); a crash
 * after it leaves the route to be repaired from `desiredRoute` on the next tick.
 */

export interface RolloutRecord {
  readonly spec: RolloutSpec;
  readonly status: RolloutStatus;
  /** Bumped by every commit; the compare-and-set token. */
  readonly version: number;
}

export interface RolloutStateStore {
  load(route: string): Promise<RolloutRecord | null>;
  /**
   * Writes the status and the tick's receipt drafts atomically if the record
   * is still at `expectedVersion`; false when another writer got there first.
   * A draft whose key is already stored is not stored again.
   */
  commit(
    route: string,
    expectedVersion: number,
    status: RolloutStatus,
    decisions: readonly DecisionDraft[],
  ): Promise<boolean>;
}

/** Aggregates from the gateway's traces: the request counter and the latest closed interval. */
export interface RolloutObserver {
  observe(
    spec: RolloutSpec,
    status: RolloutStatus,
    now: number,
  ): Promise<Pick<Observation, 'canaryRequestsTotal' | 'windows'>>;
}

export interface CommandInbox {
  /** Commands queued for the rollout with a sequence number above `afterSeq`. */
  pending(rolloutId: string, afterSeq: number): Promise<readonly Command[]>;
}

/** Applies routing to every gateway replica; idempotent. */
export interface RouteApplier {
  apply(desired: DesiredRoute, actions: readonly Action[]): Promise<void>;
}

export interface LeaseStore {
  read(name: string): Promise<Lease | null>;
  /** Sets the lease if it still equals `expected`; false when another controller changed it. */
  compareAndSet(name: string, expected: Lease | null, next: Lease): Promise<boolean>;
}
