import { AUDIT_LOCK, type Ledger } from '../audit/ledger/ledger.js';
import type { Decision } from '../audit/ledger/decision.js';
import { type Clock, dateOf, systemClock } from '../kernel/clock.js';
import { isDigest, type Digest } from '../kernel/digest.js';
import { SluiceError } from '../kernel/errors.js';
import { findRelease } from '../release/find-release.js';
import { shortId } from '../release/release-id.js';
import type { Store } from '../store/store.js';

export interface ShadowStatus {
  route: string;
  stable: string | null;
  /** The shadow release, null when the route has none. */
  shadow: string | null;
  percent: number | null;
}

export interface ShadowStopped extends ShadowStatus {
  /** The shadow that was stopped, null when the route had none. */
  stopped: string | null;
}

export interface ShadowServiceDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock?: Clock;
}

export const DEFAULT_SHADOW_PERCENT = 100;

/** Whether a share of the stable's requests is one a shadow can take: above 0, at most 100. */
export function validShadowPercent(n: number): boolean {
  return Number.isFinite(n) && n > 0 && n <= 100;
}

/**
 * Starting and stopping a route's shadow, the same for the CLI and the
 * control API. The rule: a shadow is another release of the route, compared
 * with the route's stable one (so the route needs a stable release, and the
 * stable release cannot shadow itself). Each start and stop writes a signed
 * receipt in the same transaction as the change.
 */
export class ShadowService {
  constructor(private readonly deps: ShadowServiceDeps) {}

  async status(route: string): Promise<ShadowStatus> {
    const { store } = this.deps;
    const stable = (await store.getRoute(route))?.stable ?? null;
    const shadow = (await store.shadows()).find((s) => s.route === route);
    return { route, stable, shadow: shadow?.releaseId ?? null, percent: shadow?.percent ?? null };
  }

  /** Mirrors `percent` of the route's stable requests to the release; `route`, when given, must be the release's. */
  async start(
    releaseId: string,
    actor: string,
    opts: { percent?: number; route?: string } = {},
  ): Promise<ShadowStatus> {
    const percent = opts.percent ?? DEFAULT_SHADOW_PERCENT;
    if (!validShadowPercent(percent))
      throw new SluiceError('bad_input', `percent must be a number above 0 and at most 100, not ${percent}`);
    const { store } = this.deps;
    const release = await findRelease(store, releaseId);
    const route = release.name;
    if (opts.route && opts.route !== route)
      throw new SluiceError('bad_usage', `release ${shortId(release.id)} belongs to route ${route}, not ${opts.route}`);
    const state = await store.getRoute(route);
    if (!state)
      throw new SluiceError('not_found', `route ${route} has no stable release to mirror yet: sluice roll ID first`);
    if (state.stable === release.id)
      throw new SluiceError(
        'refused',
        `release ${shortId(release.id)} is the stable release of ${route}: a shadow compares another release with it`,
      );
    await this.apply(
      route,
      { releaseId: release.id, percent },
      this.decision('shadow-start', release.id, actor, route, {
        percent,
        stable: state.stable,
      }),
    );
    return this.status(route);
  }

  /** Stops the route's shadow; with `release`, only when that release is the shadow. */
  async stop(route: string, actor: string, opts: { release?: string } = {}): Promise<ShadowStopped> {
    const { store } = this.deps;
    const release = opts.release ? await findRelease(store, opts.release) : undefined;
    if (release && release.name !== route)
      throw new SluiceError(
        'bad_usage',
        `release ${shortId(release.id)} belongs to route ${release.name}, not ${route}`,
      );
    const before = await this.status(route);
    if (release && before.shadow && before.shadow !== release.id) {
      throw new SluiceError(
        'refused',
        `the shadow of ${route} is ${shortId(before.shadow)}, not ${shortId(release.id)}: nothing stopped`,
      );
    }
    if (before.shadow) {
      if (!isDigest(before.shadow))
        throw new SluiceError('internal', `stored shadow ${before.shadow} is not a release id`);
      await this.apply(
        route,
        null,
        this.decision('shadow-stop', before.shadow, actor, route, { percent: before.percent }),
      );
    }
    return { ...(await this.status(route)), stopped: before.shadow };
  }

  private decision(
    kind: 'shadow-start' | 'shadow-stop',
    release: Digest,
    actor: string,
    route: string,
    what: { percent: number | null; stable?: string | null },
  ): Decision {
    return {
      kind,
      subject: release,
      actor,
      at: dateOf(this.deps.clock ?? systemClock),
      route,
      what: { ...what },
    };
  }

  /**
   * Sets (or clears) the route's shadow, re-writes its current route state
   * unchanged and records the receipt, in one transaction: the new state
   * version makes every gateway reload the route, shadow included, on its next poll.
   */
  private async apply(
    route: string,
    shadow: { releaseId: string; percent: number } | null,
    receipt: Decision,
  ): Promise<void> {
    await this.deps.store.transaction(
      async (tx) => {
        await tx.setShadow(route, shadow);
        const state = (await tx.getRouteStates()).find((s) => s.route === route);
        if (state)
          await tx.putRouteState({
            route,
            stable: state.stable,
            candidate: state.candidate,
            weight: state.weight,
            rolloutId: state.rolloutId,
          });
        await this.deps.ledger.recordIn(tx, receipt);
      },
      { lock: AUDIT_LOCK },
    );
  }
}
