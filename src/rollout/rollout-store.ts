import type { Command, CommandKind, Lease, RolloutSpec, RolloutStatus } from './core/index.js';

/** A rollout as stored: its spec (fixed when it starts) and its latest status. */
export interface RolloutRow {
  readonly rolloutId: string;
  readonly route: string;
  readonly spec: RolloutSpec;
  readonly status: RolloutStatus;
  /** Bumped by every status commit: the compare-and-set token. */
  readonly version: number;
  readonly createdAt: string;
}

/** The rollouts and their operator commands. */
export interface RolloutStore {
  getRollout(rolloutId: string): Promise<RolloutRow | undefined>;
  latestRollout(route: string): Promise<RolloutRow | undefined>;
  insertRollout(r: { rolloutId: string; route: string; spec: RolloutSpec; status: RolloutStatus }): Promise<void>;
  /** Writes the status if the row is still at `expectedVersion`; false when another writer got there first. */
  commitRollout(rolloutId: string, expectedVersion: number, status: RolloutStatus): Promise<boolean>;
  /**
   * Queues an operator command and announces it to subscribers; returns its
   * sequence number (call inside a locked transaction).
   */
  queueCommand(
    rolloutId: string,
    c: { kind: CommandKind; actor: string; reason?: string; at: number },
  ): Promise<number>;
  commandsAfter(rolloutId: string, afterSeq: number): Promise<Command[]>;
  /** Calls `onCommand` when another process queues a command (stores whose database pushes notifications); undefined elsewhere. */
  subscribeCommands?(onCommand: () => void): Promise<() => Promise<void>>;
}

/** Named leases with compare-and-set: which controller acts. */
export interface LeaseRows {
  readLease(name: string): Promise<Lease | null>;
  /** Sets the lease if it still equals `expected` (null: no lease yet); false when someone else changed it. */
  compareAndSetLease(name: string, expected: Lease | null, next: Lease): Promise<boolean>;
}
