import type { Ledger } from '../audit/ledger/ledger.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import { computePhase, desiredRoute, isActive, mayAct, reconcile, shouldAct } from './core/index.js';
import type { RouteStateRecord, RouteStateStore } from '../gateway/route-state-store.js';
import type { TraceStore } from '../gateway/trace-store.js';
import type { ObserveSampleStore } from '../observe/observe-store.js';
import type { Notify } from '../notify/notify-event.js';
import { transitionEvents } from './notify-transitions.js';
import type { ExternalSource } from './prometheus/prometheus-source.js';
import type { LeaseRows, RolloutStore } from './rollout-store.js';
import {
  storeCommands,
  storeLeases,
  storeObserver,
  storeRolloutState,
  storeRouteApplier,
  type RolloutCommitStore,
} from './store-ports.js';

export const CONTROLLER_LEASE = 'sluice:controller';

/** What the controller reads and writes: leases, rollouts and commands, the route state, and what it observes. */
export type ControllerStore = LeaseRows &
  RolloutCommitStore &
  Pick<RolloutStore, 'commandsAfter'> &
  Pick<RouteStateStore, 'getRouteStates' | 'putRouteState'> &
  Pick<TraceStore, 'armIntervals'> &
  Pick<ObserveSampleStore, 'observeQualitySums'>;

export interface ControllerOptions {
  readonly store: ControllerStore;
  readonly ledger: Ledger;
  /** This process's name in the lease. */
  readonly id: string;
  readonly clock?: Clock;
  readonly leaseTtlMs?: number;
  readonly onError?: (e: unknown) => void;
  /** Told about each committed transition (step, pause, promote, halt, rollback, …); returns at once. */
  readonly notify?: Notify;
  /** Where the spec's external (Prometheus) monitors are read, beside the store's windows. */
  readonly external?: ExternalSource;
}

export type TickOutcome = 'standby' | 'acted';

/**
 * The I/O edge of the reconcile loop. Each tick: take or renew the lease (one
 * controller acts among all processes sharing the store), then for each route
 * with a rollout: read, reconcile (pure), commit the status and receipts once,
 * and make the route state match. Safe to kill at any point: the next tick
 * replays from the stored status without taking a step twice.
 */
export class Controller {
  private readonly clock: Clock;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ControllerOptions) {
    this.clock = opts.clock ?? systemClock;
  }

  async holdLease(): Promise<boolean> {
    const leases = storeLeases(this.opts.store);
    const current = await leases.read(CONTROLLER_LEASE);
    const d = shouldAct(current, this.opts.id, this.clock.now(), this.opts.leaseTtlMs ?? 5000);
    if (!mayAct(d)) return false;
    return leases.compareAndSet(CONTROLLER_LEASE, current, d.lease);
  }

  /**
   * One reconcile pass over a route. Returns whether the status changed.
   * `routeState` is what the gateways serve for it, when the caller already read it.
   */
  async reconcileRoute(route: string, routeState?: RouteStateRecord): Promise<boolean> {
    const { store, ledger } = this.opts;
    const state = storeRolloutState(store, ledger);
    const record = await state.load(route);
    if (!record) return false;
    const { spec, status, version } = record;
    const phase = computePhase(spec, status);
    const serving = routeState ?? (await store.getRouteStates()).find((r) => r.route === route);
    const ours = serving?.rolloutId === spec.rolloutId;
    if (!isActive(phase) && phase !== 'idle' && !ours) return false;
    const now = this.clock.now();
    const commands = await storeCommands(store).pending(spec.rolloutId, status.commandSeq);
    const seen =
      isActive(phase) || phase === 'idle'
        ? await storeObserver(store).observe(spec, status, now)
        : { canaryRequestsTotal: 0 };
    // External monitors are read with the windows, over the same step; a failed read is inconclusive, never a throw.
    // A tick with operator commands does not wait on Prometheus: a rollback is applied at once.
    const external =
      commands.length === 0 && 'windows' in seen && seen.windows && spec.external?.length && this.opts.external
        ? await this.opts.external.read(spec, status, now)
        : undefined;
    const result = reconcile(spec, status, { now, ...seen, commands, ...(external ? { external } : {}) });
    if (result.changed && !(await state.commit(route, version, result.status, result.decisions))) return false;
    await storeRouteApplier(store, serving, spec.rolloutId).apply(desiredRoute(spec, result.status), result.actions);
    // After the commit and the routing change: telling people never holds a decision up.
    if (this.opts.notify) for (const e of transitionEvents(spec, result)) this.opts.notify(e);
    return result.changed;
  }

  /** A tick over every route that has a rollout, if this process holds the lease. */
  async tick(): Promise<TickOutcome> {
    if (!(await this.holdLease())) return 'standby';
    for (const state of await this.opts.store.getRouteStates()) await this.reconcileRoute(state.route, state);
    return 'acted';
  }

  start(everyMs = 250): void {
    const loop = () => {
      this.running = this.tick()
        .catch((e) => this.opts.onError?.(e))
        .finally(() => {
          if (this.timer !== undefined) this.timer = setTimeout(loop, everyMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
