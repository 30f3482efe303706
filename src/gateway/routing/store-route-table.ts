import type { ReleaseId } from '../../release/resolved-manifest.js';
import { loadServingRelease, type ServingRelease } from '../../serving/serving-release.js';
import type { BlobStore, ReleaseStore } from '../../release/release-store.js';
import type { ShadowSetting, ShadowStore } from '../../shadow/shadow-store.js';
import type { RouteStateRecord, RouteStateStore } from '../route-state-store.js';
import { SluiceError } from '../../kernel/errors.js';
import type { RouteEntry, RouteTable } from './route-table.js';
import { SerialTask } from '../../kernel/serial-task.js';

/**
 * Something that says "route state may have changed" sooner than the poll
 * would (PostgreSQL LISTEN/NOTIFY, an in-process controller). Optional: the
 * poll alone is correct.
 */
export interface RouteChangeSource {
  /** Calls `onChange` on every possible change; returns the unsubscribe. */
  subscribe(onChange: () => void): () => void;
}

export interface StoreRouteTableOptions {
  /** How often the route-state version is read; 0 turns polling off. Default 250 ms. */
  readonly pollMs?: number;
  readonly changes?: RouteChangeSource;
  /** Failed polls and refreshes (the table keeps serving what it had). */
  readonly onError?: (e: unknown) => void;
}

export const DEFAULT_POLL_MS = 250;

/** A route whose state could not be turned into an entry (its release is missing, say). */
export class RouteLoadError extends SluiceError {
  constructor(
    readonly route: string,
    cause: unknown,
  ) {
    super('not_found', `route ${route}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RouteLoadError';
  }
}

type ShadowRow = ShadowSetting;

/** What the route table reads: the route state, the shadows, and the releases it serves. */
export type RouteTableStore = Pick<RouteStateStore, 'getRouteStates' | 'routeStateVersion'> &
  Pick<ShadowStore, 'shadows'> &
  Pick<ReleaseStore, 'getRelease'> &
  Pick<BlobStore, 'getBlob'>;

function clampWeight(w: number): number {
  return Number.isFinite(w) ? Math.min(100, Math.max(0, w)) : 0;
}

/**
 * The route table kept from the store's route_state: loaded whole on each
 * change and swapped in at once, so lookups stay synchronous. A cheap poll
 * reads one number (the highest version) and reloads when it moved. Releases
 * are content-addressed, so each is loaded once and cached. Each route's
 * shadow (the `shadows` table) is loaded with it; setting a shadow does not
 * move the version by itself, so whoever sets one re-writes the route's state.
 */
export class StoreRouteTable implements RouteTable {
  private entries = new Map<string, RouteEntry>();
  private loadedVersion = -1;
  private readonly releases = new Map<string, Promise<ServingRelease>>();
  private previous = new Set<string>();
  private readonly reload = new SerialTask(() => this.load());
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  private unsubscribe: (() => void) | undefined;
  private closed = false;

  private constructor(
    private readonly store: RouteTableStore,
    private readonly opts: StoreRouteTableOptions,
  ) {}

  /**
   * Loads the table and starts following changes. Fails when the store cannot
   * be read; a route whose release cannot be loaded is left out (and reported).
   */
  static async open(store: RouteTableStore, opts: StoreRouteTableOptions = {}): Promise<StoreRouteTable> {
    const table = new StoreRouteTable(store, opts);
    await table.refresh().catch((e: unknown) => {
      if (!(e instanceof RouteLoadError)) throw e;
      opts.onError?.(e);
    });
    table.unsubscribe = opts.changes?.subscribe(() => {
      if (!table.closed) table.refresh().catch((e: unknown) => table.opts.onError?.(e));
    });
    table.schedule();
    return table;
  }

  lookup(route: string): RouteEntry | undefined {
    return this.entries.get(route);
  }

  routes(): readonly string[] {
    return [...this.entries.keys()];
  }

  /** The route-state version the table reflects (-1 before the first load). */
  get version(): number {
    return this.loadedVersion;
  }

  /** Reloads from the store. A call during a reload runs one more reload after it, never a parallel one. */
  refresh(): Promise<void> {
    return this.reload.run();
  }

  /** Stops following changes; waits for a poll in flight. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.unsubscribe?.();
    await Promise.allSettled([this.ticking, this.reload.idle()]);
  }

  private async load(): Promise<void> {
    const [states, shadowRows] = await Promise.all([this.store.getRouteStates(), this.store.shadows()]);
    const shadows = new Map(shadowRows.map((s) => [s.route, s]));
    const next = new Map<string, RouteEntry>();
    let failure: unknown;
    for (const s of states) {
      try {
        next.set(s.route, await this.entry(s, shadows.get(s.route)));
      } catch (e) {
        failure ??= new RouteLoadError(s.route, e);
        const previous = this.entries.get(s.route);
        if (previous) next.set(s.route, previous);
      }
    }
    this.entries = next;
    // Releases of the previous state stay cached too, so rolling back to one is instant.
    const wanted = new Set<string>(states.flatMap((s) => (s.candidate ? [s.stable, s.candidate] : [s.stable])));
    for (const s of shadowRows) wanted.add(s.releaseId);
    for (const id of [...this.releases.keys()]) if (!wanted.has(id) && !this.previous.has(id)) this.releases.delete(id);
    this.previous = wanted;
    // On a failure the version stays behind, so the next poll tries again.
    if (failure !== undefined) throw failure;
    this.loadedVersion = states.reduce((v, s) => Math.max(v, s.version), 0);
  }

  private async entry(s: RouteStateRecord, shadow: ShadowRow | undefined): Promise<RouteEntry> {
    const stable = await this.release(s.stable);
    const candidate = s.candidate ? await this.release(s.candidate) : null;
    const entry: RouteEntry = {
      route: s.route,
      rolloutId: s.rolloutId,
      stable,
      candidate,
      weight: candidate ? clampWeight(s.weight) : 0,
    };
    if (!shadow || !(clampWeight(shadow.percent) > 0)) return entry;
    let release: ServingRelease;
    try {
      release = await this.release(shadow.releaseId as ReleaseId);
    } catch (e) {
      // A shadow that cannot be loaded must not take the route down: it is served without one (and the failure reported).
      this.opts.onError?.(
        new RouteLoadError(
          s.route,
          new SluiceError(
            'not_found',
            `shadow release ${shadow.releaseId}: ${e instanceof Error ? e.message : String(e)}`,
          ),
        ),
      );
      return entry;
    }
    return { ...entry, shadow: { release, percent: clampWeight(shadow.percent) } };
  }

  private release(id: ReleaseId): Promise<ServingRelease> {
    let p = this.releases.get(id);
    if (!p) {
      p = (async () => {
        const record = await this.store.getRelease(id);
        if (!record) throw new SluiceError('not_found', `route state names release ${id}, which is not in the store`);
        return loadServingRelease(this.store, record);
      })();
      const mine = p;
      mine.catch(() => {
        if (this.releases.get(id) === mine) this.releases.delete(id);
      });
      this.releases.set(id, mine);
    }
    return p;
  }

  private schedule(): void {
    const pollMs = this.opts.pollMs ?? DEFAULT_POLL_MS;
    if (this.closed || pollMs <= 0) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        this.schedule();
      });
    }, pollMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const version = await this.store.routeStateVersion();
      if (!this.closed && version !== this.loadedVersion) await this.refresh();
    } catch (e) {
      if (!this.closed) this.opts.onError?.(e);
    }
  }
}
