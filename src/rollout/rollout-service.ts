import { AUDIT_LOCK, type Ledger } from '../audit/ledger/ledger.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import { SluiceError } from '../kernel/errors.js';
import type { GateResult } from '../gate/core/gate-result.js';
import { findRelease } from '../release/find-release.js';
import { shortId } from '../release/release-id.js';
import type { GateStore } from '../gate/gate-store.js';
import type { RouteStateStore } from '../gateway/route-state-store.js';
import type { Transactional } from '../kernel/transactional.js';
import type { ReleaseLookup, ReleaseRecord } from '../release/release-store.js';
import { computePhase, initialStatus, isActive, specFromConfig, statusJson } from './core/index.js';
import type { RolloutControl, RouteCommand } from './rollout-control.js';
import type { RolloutStore } from './rollout-store.js';
import type { RouteStatus } from './route-status.js';
import { recordDrafts, type ReceiptTx } from './store-ports.js';

type ServiceParts = ReleaseLookup &
  Pick<RouteStateStore, 'getRoute' | 'putRouteState'> &
  Pick<RolloutStore, 'latestRollout' | 'insertRollout' | 'queueCommand'> &
  Pick<GateStore, 'latestGateResult'> &
  ReceiptTx;

/** What the service reads and writes, in locked transactions. */
export type RolloutServiceStore = ServiceParts & Transactional<ServiceParts>;

export interface ServiceDeps {
  readonly store: RolloutServiceStore;
  readonly ledger: Ledger;
  readonly config: SluiceConfig;
  readonly clock?: Clock;
  /** Runs a reconcile pass after a change, when this process may act (CLI use without a running server). */
  readonly kick?: (route: string) => Promise<void>;
}

/** Why a release may not roll, or null: its latest gate passed (or was overridden) against the current stable, with its own preprocessing. */
export function rollRefusal(
  release: ReleaseRecord,
  stable: string,
  gate: { result: GateResult; overridden: boolean; preprocessingDigest: string } | undefined,
): string | null {
  if (!gate) return `release ${shortId(release.id)} has no gate result: run sluice gate ${shortId(release.id)} first`;
  if (gate.result.verdict !== 'pass' && !gate.overridden)
    return `its latest gate verdict is ${gate.result.verdict}, not pass (and it was not overridden)`;
  if (gate.result.baseline !== stable) {
    return `its latest gate ran against ${gate.result.baseline ? shortId(gate.result.baseline) : 'no baseline'}, not the current stable ${shortId(stable)}: gate it again`;
  }
  if (gate.preprocessingDigest !== release.manifest.preprocessing.digest) {
    return `its latest gate ran with preprocessing ${gate.preprocessingDigest}, not the release's own ${release.manifest.preprocessing.digest}`;
  }
  return null;
}

/** roll / status / promote / pause / resume / abort / rollback: the same for the CLI and the control API. */
export class RolloutService implements RolloutControl {
  constructor(private readonly deps: ServiceDeps) {}

  private get now(): number {
    return (this.deps.clock ?? systemClock).now();
  }

  private defaultRoute(route: string | undefined): string {
    if (route) return route;
    throw new SluiceError('bad_usage', 'which route? pass --route ROUTE');
  }

  async status(route: string): Promise<RouteStatus> {
    const { store } = this.deps;
    const row = await store.latestRollout(route);
    const state = await store.getRoute(route);
    if (!row) {
      if (!state) throw new SluiceError('not_found', `route ${route} has no release yet: sluice roll ID`);
      return {
        route,
        stable: state.stable,
        candidate: null,
        phase: 'idle',
        weight: 0,
        step: 0,
        steps: this.deps.config.rollout.steps,
        monitors: [],
        events: [],
      };
    }
    const view = statusJson(row.spec, row.status);
    return { ...view, stable: state?.stable ?? view.stable };
  }

  async roll(idText: string, actor: string): Promise<RouteStatus> {
    const { store, ledger, config } = this.deps;
    const release = await findRelease(store, idText);
    const route = release.name;
    const at = this.now;
    const started = await store.transaction(
      async (tx) => {
        const state = await tx.getRoute(route);
        const draft = { actor, at, route, subject: release.id, why: [] as string[] };
        if (!state) {
          await tx.putRouteState({ route, stable: release.id, candidate: null, weight: 0, rolloutId: null });
          await recordDrafts(tx, ledger, [
            {
              ...draft,
              key: `initial/${route}/${release.id}`,
              kind: 'rollout-start',
              what: { initial: true, stable: release.id },
            },
          ]);
          return false;
        }
        if (state.stable === release.id)
          throw new SluiceError('refused', `release ${shortId(release.id)} is already the stable release of ${route}`);
        const latest = await tx.latestRollout(route);
        if (latest && isActive(computePhase(latest.spec, latest.status))) {
          throw new SluiceError(
            'refused',
            `a rollout is in progress on ${route} (${latest.rolloutId}): promote, abort or roll it back first`,
          );
        }
        const gate = await tx.latestGateResult(release.id);
        const why = rollRefusal(
          release,
          state.stable,
          gate && {
            result: gate.result,
            overridden: gate.overridden,
            preprocessingDigest: gate.preprocessingDigest,
          },
        );
        if (why) throw new SluiceError('refused', `roll refused: ${why}`);
        const rolloutId = `ro-${at.toString(36)}-${release.id.slice(7, 15)}`;
        const spec = specFromConfig({
          route,
          rolloutId,
          stable: state.stable,
          candidate: release.id,
          config: config.rollout,
          qualityMonitored: config.gate.judge !== undefined,
        });
        await tx.insertRollout({
          rolloutId,
          route,
          spec,
          status: initialStatus(spec),
        });
        await tx.putRouteState({ route, stable: state.stable, candidate: release.id, weight: 0, rolloutId });
        await recordDrafts(tx, ledger, [
          {
            ...draft,
            key: `${rolloutId}/start`,
            kind: 'rollout-start',
            what: { rollout: rolloutId, stable: state.stable, steps: [...spec.steps] },
            why: [`gate passed against ${shortId(state.stable)}`],
          },
        ]);
        return true;
      },
      { lock: AUDIT_LOCK },
    );
    if (started) await this.deps.kick?.(route);
    return this.status(route);
  }

  async command(
    routeText: string,
    kind: RouteCommand,
    actor: string,
    opts: { reason?: string; to?: string },
  ): Promise<RouteStatus> {
    const { store } = this.deps;
    const route = this.defaultRoute(routeText);
    if (kind === 'rollback' && opts.to) return this.rollbackTo(route, opts.to, actor, opts.reason);
    const row = await store.latestRollout(route);
    if (!row) throw new SluiceError('refused', `route ${route} has no rollout to ${kind}`);
    await store.transaction(
      (tx) =>
        tx.queueCommand(row.rolloutId, { kind, actor, ...(opts.reason ? { reason: opts.reason } : {}), at: this.now }),
      { lock: `sluice:commands:${row.rolloutId}` },
    );
    await this.deps.kick?.(route);
    return this.status(route);
  }

  /** rollback --to ID: point the route's stable at an earlier release directly (one pointer swap), with a receipt. */
  private async rollbackTo(route: string, idText: string, actor: string, reason?: string): Promise<RouteStatus> {
    const { store, ledger } = this.deps;
    const target = await findRelease(store, idText);
    if (target.name !== route)
      throw new SluiceError('bad_usage', `release ${shortId(target.id)} belongs to route ${target.name}, not ${route}`);
    const latest = await store.latestRollout(route);
    if (latest && isActive(computePhase(latest.spec, latest.status))) {
      throw new SluiceError('refused', `a rollout is in progress on ${route}: roll it back first (without --to)`);
    }
    await store.transaction(
      async (tx) => {
        const from = (await tx.getRoute(route))?.stable ?? null;
        await tx.putRouteState({ route, stable: target.id, candidate: null, weight: 0, rolloutId: null });
        await recordDrafts(tx, ledger, [
          {
            key: `rollback-to/${route}/${this.now}`,
            kind: 'rollback',
            actor,
            at: this.now,
            route,
            subject: target.id,
            what: { from, to: target.id },
            why: [reason ?? 'manual rollback'],
          },
        ]);
      },
      { lock: AUDIT_LOCK },
    );
    return this.status(route);
  }
}
