import type { AuditStore, DecisionKeyStore } from '../audit/audit-store.js';
import { AUDIT_LOCK, type Ledger } from '../audit/ledger/ledger.js';
import type { RouteStateRecord, RouteStateStore } from '../gateway/route-state-store.js';
import type { ArmIntervalRecord, TraceStore } from '../gateway/trace-store.js';
import type { Transactional } from '../kernel/transactional.js';
import type { ObserveSampleStore, QualitySums } from '../observe/observe-store.js';
import type { ReleaseId } from '../release/resolved-manifest.js';
import {
  canaryWeight,
  toDecision,
  type ArmWindow,
  type CommandInbox,
  type DecisionDraft,
  type DesiredRoute,
  type LeaseStore,
  type Observation,
  type RolloutObserver,
  type RolloutStateStore,
  type RouteApplier,
} from './core/index.js';
import type { LeaseRows, RolloutStore } from './rollout-store.js';
import { EMPTY_MOMENTS, mergeMoments, type Moments } from '../stats/confidence-sequence.js';

/** Where receipts are recorded with their decision keys: inside a transaction holding the audit lock. */
export type ReceiptTx = AuditStore & DecisionKeyStore;

/** What committing a tick needs: the rollout rows, and receipts in the same transaction. */
export type RolloutCommitStore = Pick<RolloutStore, 'latestRollout'> &
  Transactional<Pick<RolloutStore, 'latestRollout' | 'commitRollout'> & ReceiptTx>;

/** Rollout records from the store; a commit writes the status and the new receipts in one locked transaction. */
export function storeRolloutState(store: RolloutCommitStore, ledger: Ledger): RolloutStateStore {
  return {
    async load(route) {
      const row = await store.latestRollout(route);
      return row ? { spec: row.spec, status: row.status, version: row.version } : null;
    },
    commit(route, expectedVersion, status, decisions) {
      return store.transaction(
        async (tx) => {
          const row = await tx.latestRollout(route);
          if (!row || !(await tx.commitRollout(row.rolloutId, expectedVersion, status))) return false;
          await recordDrafts(tx, ledger, decisions);
          return true;
        },
        { lock: AUDIT_LOCK },
      );
    },
  };
}

/** Appends each draft to the ledger once, by its key (a replayed tick finds its keys already there). */
export async function recordDrafts(tx: ReceiptTx, ledger: Ledger, drafts: readonly DecisionDraft[]): Promise<number[]> {
  if (drafts.length === 0) return [];
  const seen = await tx.decisionKeys(drafts.map((d) => d.key));
  const fresh = drafts.filter((d) => !seen.has(d.key));
  const indices = await ledger.recordIn(tx, fresh.map(toDecision));
  await tx.putDecisionKeys(fresh.map((d, i) => ({ key: d.key, index: indices[i]! })));
  return indices;
}

export function storeCommands(store: Pick<RolloutStore, 'commandsAfter'>): CommandInbox {
  return { pending: (rolloutId, afterSeq) => store.commandsAfter(rolloutId, afterSeq) };
}

export function storeLeases(store: LeaseRows): LeaseStore {
  return {
    read: (name) => store.readLease(name),
    compareAndSet: (name, expected, next) => store.compareAndSetLease(name, expected, next),
  };
}

/**
 * Applies a rollout's desired route by writing the route state the gateways
 * serve, only when it differs from `current` (what they serve now). Level-
 * triggered: the desired route alone says what to write, whatever the actions.
 */
export function storeRouteApplier(
  store: Pick<RouteStateStore, 'putRouteState'>,
  current: RouteStateRecord | undefined,
  rolloutId: string,
): RouteApplier {
  return {
    async apply(desired) {
      await applyRoute(store, current, desired, rolloutId);
    },
  };
}

/** Writes the route state the gateways serve, only when it differs from `current` (what they serve now). */
export async function applyRoute(
  store: Pick<RouteStateStore, 'putRouteState'>,
  current: RouteStateRecord | undefined,
  desired: DesiredRoute,
  rolloutId: string,
): Promise<boolean> {
  const next = {
    route: desired.route,
    stable: desired.stable,
    candidate: desired.canary?.release ?? null,
    weight: desired.canary?.weight ?? 0,
    rolloutId,
  };
  if (
    current &&
    current.stable === next.stable &&
    current.candidate === next.candidate &&
    current.weight === next.weight &&
    current.rolloutId === next.rolloutId
  )
    return false;
  await store.putRouteState(next);
  return true;
}

/** Pools the arm's interval moments; rows without them (an older gateway's) are left out of that moment. */
function pooled(
  rows: readonly ArmIntervalRecord[],
  pick: (r: ArmIntervalRecord) => Moments | undefined,
): Moments | undefined {
  let m: Moments | undefined;
  for (const r of rows) {
    const x = pick(r);
    if (x) m = mergeMoments(m ?? EMPTY_MOMENTS, x);
  }
  return m;
}

/** Judged-quality moments from the store's count, sum and sum of squares. */
export function qualityMomentsOf(q: QualitySums): Moments {
  if (q.n === 0) return EMPTY_MOMENTS;
  const mean = q.sum / q.n;
  return { n: q.n, mean, m2: Math.max(0, q.sumSq - q.sum * mean) };
}

function armWindow(rows: readonly ArmIntervalRecord[], quality: Moments): ArmWindow {
  const count = rows.reduce((s, r) => s + r.count, 0);
  const ok = rows.reduce((s, r) => s + (r.count - r.errors), 0);
  // p95 across gateways and intervals: the success-weighted mean of their p95s (an approximation, documented).
  const p95 = ok > 0 ? rows.reduce((s, r) => s + r.latencyP95 * (r.count - r.errors), 0) / ok : undefined;
  const logLatency = pooled(rows, (r) => r.logLatency);
  const costs = pooled(rows, (r) => r.costs);
  return {
    count,
    errors: rows.reduce((s, r) => s + r.errors, 0),
    ...(p95 !== undefined ? { p95Ms: p95 } : {}),
    costUsd: rows.reduce((s, r) => s + r.costUsd, 0),
    tokens: rows.reduce((s, r) => s + r.tokens, 0),
    qualityMoments: quality,
    ...(logLatency ? { logLatency } : {}),
    ...(costs ? { costs } : {}),
  };
}

/**
 * What the controller sees: the canary's request counter over the whole rollout,
 * and canary against stable since the current step began, read as aggregates
 * only (every gateway's interval rows: counts, errors, the moments of ln
 * latency and of cost; the judged-quality count, sum and sum of squares of
 * the observer's samples of both arms), never trace rows.
 */
export function storeObserver(
  store: Pick<TraceStore, 'armIntervals'> & Pick<ObserveSampleStore, 'observeQualitySums'>,
): RolloutObserver {
  return {
    async observe(spec, status, now): Promise<Pick<Observation, 'canaryRequestsTotal' | 'windows'>> {
      const rows = await store.armIntervals({ route: spec.route, rolloutId: spec.rolloutId });
      const canaryRequestsTotal = rows.filter((r) => r.arm === 'canary').reduce((s, r) => s + r.count, 0);
      const from = status.stepStartedAt;
      if (from === null) return { canaryRequestsTotal };
      const inStep = rows.filter((r) => Date.parse(r.intervalStart) >= from);
      if (inStep.length === 0) return { canaryRequestsTotal };
      const quality = async (release: ReleaseId) => qualityMomentsOf(await store.observeQualitySums(release, from));
      return {
        canaryRequestsTotal,
        windows: {
          from,
          to: now,
          weight: canaryWeight(spec, status),
          canary: armWindow(
            inStep.filter((r) => r.arm === 'canary'),
            await quality(spec.candidate),
          ),
          stable: armWindow(
            inStep.filter((r) => r.arm === 'stable'),
            await quality(spec.stable),
          ),
        },
      };
    },
  };
}
