import { AUDIT_LOCK, type Ledger } from '../audit/ledger/ledger.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import { SluiceError } from '../kernel/errors.js';
import type { GateResult } from '../gate/core/gate-result.js';
import { findRelease } from '../release/find-release.js';
import { shortId } from '../release/release-id.js';
import type { GateStore } from '../gate/gate-store.js';
import type { RouteStateStore } from '../gateway/route-state-store.js';
import type { TraceStore } from '../gateway/trace-store.js';
import type { Transactional } from '../kernel/transactional.js';
import type { ReleaseLookup, ReleaseRecord } from '../release/release-store.js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  commandRefusal,
  computePhase,
  initialStatus,
  isActive,
  specFromConfig,
  statusJson,
  type RolloutStatus,
} from './core/index.js';
import type { RolloutControl, RouteCommand } from './rollout-control.js';
import type { RolloutStore } from './rollout-store.js';
import type { RouteStatus } from './route-status.js';
import { recordDrafts, type ReceiptTx } from './store-ports.js';

type ServiceParts = ReleaseLookup &
  Pick<RouteStateStore, 'getRoute' | 'putRouteState'> &
  Pick<RolloutStore, 'latestRollout' | 'insertRollout' | 'queueCommand'> &
  Pick<GateStore, 'latestGateResult'> &
  ReceiptTx;

/** What the service reads and writes, in locked transactions; the gateways' interval rows count a step's canary requests for `status`. */
export type RolloutServiceStore = ServiceParts & Transactional<ServiceParts> & Pick<TraceStore, 'armIntervals'>;

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

/** How long a command waits for the controller to act on it (0: not at all). */
export interface WaitOptions {
  readonly waitMs?: number;
  /** Time between looks at the stored status. */
  readonly pollMs?: number;
}

/** A command's answer: the route's status, and whether the controller had acted on the command when it was read. */
export interface Acted {
  readonly status: RouteStatus;
  readonly acted: boolean;
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
        rollout: null,
        step_progress: null,
      };
    }
    const rows = await store.armIntervals({ route, rolloutId: row.rolloutId });
    const canaryRequestsTotal = rows.filter((r) => r.arm === 'canary').reduce((s, r) => s + r.count, 0);
    const view = statusJson(row.spec, row.status, { now: this.now, canaryRequestsTotal });
    return { ...view, stable: state?.stable ?? view.stable };
  }

  async roll(idText: string, actor: string): Promise<RouteStatus> {
    return (await this.rollAndWait(idText, actor)).status;
  }

  /** roll, then (with `waitMs`) wait until the controller has started the rollout and set the first step's weight. */
  async rollAndWait(idText: string, actor: string, wait: WaitOptions = {}): Promise<Acted> {
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
          holdbackPercent: Math.round(config.observe.holdback * 10_000) / 100,
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
    if (!started) return { status: await this.status(route), acted: true };
    await this.deps.kick?.(route);
    return this.awaitController(route, (s) => s.startedAt !== null, wait);
  }

  /**
   * Reads the route's latest rollout until `done` holds (the controller acted) or `waitMs` passed,
   * kicking a reconcile pass on each look: when no server holds the controller's lease (or its
   * holder died and the lease expired), this process acts itself.
   */
  private async awaitController(
    route: string,
    done: (status: RolloutStatus) => boolean,
    wait: WaitOptions,
  ): Promise<Acted> {
    const until = Date.now() + (wait.waitMs ?? 0);
    for (;;) {
      const row = await this.deps.store.latestRollout(route);
      const acted = row !== undefined && done(row.status);
      if (acted || Date.now() >= until) return { status: await this.status(route), acted };
      await sleep(wait.pollMs ?? 100);
      await this.deps.kick?.(route);
    }
  }

  async command(
    routeText: string,
    kind: RouteCommand,
    actor: string,
    opts: { reason?: string; to?: string },
  ): Promise<RouteStatus> {
    return (await this.commandAndWait(routeText, kind, actor, opts)).status;
  }

  /**
   * A command on the route's rollout, refused when it has nothing to do in the rollout's phase;
   * with `waitMs`, waits until the controller consumed it and answers the status after it acted.
   * A command the controller still found nothing to do for (the phase changed meanwhile) is refused.
   */
  async commandAndWait(
    routeText: string,
    kind: RouteCommand,
    actor: string,
    opts: { reason?: string; to?: string },
    wait: WaitOptions = {},
  ): Promise<Acted> {
    const { store } = this.deps;
    const route = this.defaultRoute(routeText);
    if (kind === 'rollback' && opts.to) {
      return { status: await this.rollbackTo(route, opts.to, actor, opts.reason), acted: true };
    }
    const row = await store.latestRollout(route);
    if (!row)
      throw new SluiceError(
        'refused',
        `${route}: nothing to ${kind === 'rollback' ? 'roll back' : kind}: the route has had no rollout`,
      );
    const refusal = commandRefusal(kind, computePhase(row.spec, row.status));
    if (refusal) throw new SluiceError('refused', `${route}: ${refusal}`);
    const seq = await store.transaction(
      (tx) =>
        tx.queueCommand(row.rolloutId, { kind, actor, ...(opts.reason ? { reason: opts.reason } : {}), at: this.now }),
      { lock: `sluice:commands:${row.rolloutId}` },
    );
    await this.deps.kick?.(route);
    const answer = await this.awaitController(route, (s) => s.commandSeq >= seq, wait);
    const ignored = answer.status.events.find((e) => e.kind === 'ignored' && e.message.startsWith(`${kind} #${seq} `));
    if (ignored) throw new SluiceError('refused', `${route}: ${ignored.message}`);
    return answer;
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
