import type { GateStore } from '../gate/gate-store.js';
import type { RouteStateStore } from '../gateway/route-state-store.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import { SluiceError } from '../kernel/errors.js';
import { findRelease } from '../release/find-release.js';
import type { ReleaseLookup } from '../release/release-store.js';
import type { ReleaseId } from '../release/resolved-manifest.js';
import {
  type AnalysisOutcome,
  analysisVerdict,
  canaryWeight,
  computePhase,
  haltReason,
  monitorView,
  type ObserverReading,
  type Phase,
} from './core/index.js';
import { rollRefusal } from './rollout-service.js';
import type { RolloutStore } from './rollout-store.js';

/** `GET /api/v1/analysis/{route}`: the verdict an analysis engine reads, with each monitor's estimate and interval. */
export interface AnalysisJson {
  readonly route: string;
  readonly release: ReleaseId;
  readonly verdict: AnalysisOutcome['verdict'];
  readonly reasons: readonly string[];
  /** The Sluice rollout of this release, when there is one. */
  readonly rollout: string | null;
  readonly phase: Phase | null;
  readonly weight: number | null;
  readonly monitors: readonly {
    readonly name: string;
    readonly status: string;
    readonly estimate: number | null;
    readonly threshold: number;
    readonly interval: readonly [number, number] | null;
    readonly detail: string;
  }[];
  readonly observer: ObserverReading | null;
  readonly at: string;
}

export type AnalysisStore = Pick<RolloutStore, 'latestRollout'> &
  Pick<RouteStateStore, 'getRoute'> &
  ReleaseLookup &
  Pick<GateStore, 'latestGateResult'>;

export interface AnalysisDeps {
  readonly store: AnalysisStore;
  /** The observer's reading of a release's production answers (only the lease holder's observer has one). */
  readonly observer?: { reading(route: string, release: ReleaseId): ObserverReading | null };
  readonly clock?: Clock;
}

/** Sluice's judgement of a release, for engines that shift traffic themselves (Argo Rollouts, Flagger). */
export class AnalysisService {
  constructor(private readonly deps: AnalysisDeps) {}

  /** The release `releaseText` names (an id or unique prefix), else the route's candidate, else its stable. */
  private async releaseOf(route: string, releaseText: string | undefined) {
    const { store } = this.deps;
    const [row, state] = await Promise.all([store.latestRollout(route), store.getRoute(route)]);
    if (!row && !state) throw new SluiceError('not_found', `no route ${route}: nothing is registered and rolled on it`);
    const release = releaseText
      ? (await findRelease(store, releaseText)).id
      : (row?.spec.candidate ?? (state!.stable as ReleaseId));
    return { row, state, release };
  }

  async analysis(route: string, releaseText?: string): Promise<AnalysisJson> {
    const { row, release } = await this.releaseOf(route, releaseText);
    const ours =
      row && row.spec.candidate === release
        ? {
            id: row.spec.rolloutId,
            phase: computePhase(row.spec, row.status),
            weight: canaryWeight(row.spec, row.status),
            monitors: (row.status.lastMonitors?.results ?? []).map(monitorView),
            haltReason: haltReason(row.status),
          }
        : null;
    const observer = this.deps.observer?.reading(route, release) ?? null;
    const outcome = analysisVerdict({ rollout: ours, observer });
    return {
      route,
      release,
      verdict: outcome.verdict,
      reasons: outcome.reasons,
      rollout: ours?.id ?? null,
      phase: ours?.phase ?? null,
      weight: ours?.weight ?? null,
      monitors: (ours?.monitors ?? []).map((m) => ({
        name: m.name,
        status: m.status,
        estimate: m.value,
        threshold: m.threshold,
        interval: m.interval,
        detail: m.detail,
      })),
      observer,
      at: new Date((this.deps.clock ?? systemClock).now()).toISOString(),
    };
  }

  /** Why the release may not start a canary (Flagger's pre-rollout), or null: it is registered and its gate passed. */
  async preflight(route: string, releaseText?: string): Promise<string | null> {
    const { row, state, release } = await this.releaseOf(route, releaseText);
    const stable = state?.stable ?? row?.spec.stable;
    if (stable === release) return null;
    const record = await findRelease(this.deps.store, release);
    const gate = await this.deps.store.latestGateResult(release);
    return rollRefusal(
      record,
      stable!,
      gate && { result: gate.result, overridden: gate.overridden, preprocessingDigest: gate.preprocessingDigest },
    );
  }
}
