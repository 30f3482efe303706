import { SluiceError } from '../../../kernel/errors.js';
import { findRelease } from '../../../release/find-release.js';
import type { ReleaseRecord } from '../../../release/release-store.js';
import { computePhase } from '../../../rollout/core/phase.js';
import type { Store } from '../../../store/store.js';
import { pageOf } from './paging.js';
import { releaseDiff } from './release-diff.js';

type ReadStore = Pick<
  Store,
  | 'releaseRoutes'
  | 'getRouteStates'
  | 'latestRollout'
  | 'releasePage'
  | 'latestGateResult'
  | 'getRelease'
  | 'findReleaseIds'
  | 'getBlob'
>;

/** Every route: its stable release, its candidate and weight, its rollout's phase, how many releases it has. */
export async function routesOverview(store: ReadStore) {
  const [counts, states] = await Promise.all([store.releaseRoutes(), store.getRouteStates()]);
  const names = [...new Set([...counts.map((c) => c.name), ...states.map((s) => s.route)])].sort();
  return {
    routes: await Promise.all(
      names.map(async (route) => {
        const state = states.find((s) => s.route === route);
        const rollout = await store.latestRollout(route);
        return {
          route,
          releases: counts.find((c) => c.name === route)?.count ?? 0,
          stable: state?.stable ?? null,
          candidate: state?.candidate ?? null,
          weight: state?.weight ?? 0,
          phase: rollout ? computePhase(rollout.spec, rollout.status) : 'idle',
          rollout: rollout?.rolloutId ?? null,
        };
      }),
    ),
  };
}

function summary(r: ReleaseRecord) {
  return {
    id: r.id,
    name: r.name,
    version: typeof r.manifest.metadata?.version === 'string' ? r.manifest.metadata.version : null,
    baseline: r.baseline,
    changes: r.changes,
    actor: r.actor,
    created_at: r.createdAt,
  };
}

/** A page of releases, newest first, each with its latest gate verdict and whether it is its route's stable. */
export async function releaseList(store: ReadStore, q: URLSearchParams) {
  const route = q.get('route') ?? undefined;
  const page = pageOf(q, { limit: 50, max: 200 });
  const [{ total, releases }, states] = await Promise.all([
    store.releasePage(route ? { name: route } : {}, page),
    store.getRouteStates(),
  ]);
  const stable = new Set(states.map((s) => s.stable));
  const candidate = new Set(states.filter((s) => s.candidate).map((s) => s.candidate));
  return {
    total,
    ...page,
    releases: await Promise.all(
      releases.map(async (r) => {
        const gate = await store.latestGateResult(r.id);
        return {
          ...summary(r),
          stable: stable.has(r.id),
          candidate: candidate.has(r.id),
          gate: gate ? { verdict: gate.verdict, overridden: gate.overridden, at: gate.createdAt } : null,
        };
      }),
    ),
  };
}

/** One release: its manifest, its diff against its baseline, its weights attestation and its latest gate result. */
export async function releaseDetail(store: ReadStore, idText: string) {
  const release = await findRelease(store, idText);
  const baseline = release.baseline ? await store.getRelease(release.baseline) : undefined;
  if (release.baseline && !baseline)
    throw new SluiceError('not_found', `the baseline ${release.baseline} of ${release.id} is not in the store`);
  const gate = await store.latestGateResult(release.id);
  const weights = release.manifest.model.weights;
  return {
    release: { ...summary(release), manifest: release.manifest },
    baseline: baseline ? summary(baseline) : null,
    diff: await releaseDiff(store, baseline?.manifest ?? null, release.manifest),
    weights: weights ? { path: weights.path ?? null, digest: weights.digest } : 'not-claimed',
    gate: gate?.result ?? null,
  };
}
