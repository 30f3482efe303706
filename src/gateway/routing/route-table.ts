import type { ServingRelease } from '../../serving/serving-release.js';

/** A mirror of live traffic to a release; its answers are never returned to users. */
export interface ShadowTarget {
  readonly release: ServingRelease;
  /** Share of requests mirrored, percent 0–100. */
  readonly percent: number;
}

/** What the gateway serves for one route right now. */
export interface RouteEntry {
  readonly route: string;
  /** The rollout the candidate belongs to; sticky buckets are drawn per rollout. */
  readonly rolloutId: string | null;
  readonly stable: ServingRelease;
  readonly candidate: ServingRelease | null;
  /** The candidate's share in percent, 0–100 (ignored without a candidate). */
  readonly weight: number;
  readonly shadow?: ShadowTarget;
}

/**
 * The routing table the gateway reads on every request: synchronous and in
 * memory. Whoever owns it (the store-backed table, a test) swaps entries
 * atomically; the gateway never waits for it.
 */
export interface RouteTable {
  lookup(route: string): RouteEntry | undefined;
  routes(): readonly string[];
}

/** A RouteTable held in memory and set directly (tests, embedding). */
export class MemoryRouteTable implements RouteTable {
  private entries = new Map<string, RouteEntry>();

  constructor(entries: readonly RouteEntry[] = []) {
    for (const e of entries) this.entries.set(e.route, e);
  }

  lookup(route: string): RouteEntry | undefined {
    return this.entries.get(route);
  }

  routes(): readonly string[] {
    return [...this.entries.keys()];
  }

  set(entry: RouteEntry): void {
    const next = new Map(this.entries);
    next.set(entry.route, entry);
    this.entries = next;
  }

  delete(route: string): void {
    const next = new Map(this.entries);
    next.delete(route);
    this.entries = next;
  }
}
