import type { Decision } from '../../audit/ledger/decision.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';
import type { ObserverDecision } from './observer-decision.js';
import type { RequestHeaders } from '../../kernel/request-slice.js';
import type { ScoredSample } from './sample.js';

/**
 * What the I/O edge implements around the pure observer. Per answer the
 * gateway served:
 *
 *   outcome = sampler.offer(request.id, answer, request.at)       (sampler.ts; sync, no I/O)
 *
 * and in the observer's worker, for each queued answer:
 *
 *   sample = scoredSample({...answer, slice: requestSlice(answer)},
 *                         await scoreAnswer(judges, answer))           (sample.ts, judging/score.ts)
 *   await samples.append([sample])
 *
 * and once per tick, for every stable release on every route:
 *
 *   windows  = completedWindows(aggregateWindows(await samples.read(route, release, since, now), ws), now)
 *   evals    = each series → evaluateWindow(window, bandSpecFromConfig(config, {gateScore}))
 *   state    = await state.load(route, release)
 *   decision = decideRelease(series of evals, observe.consecutive, state)
 *   rollback → await actions.rollback(route, release, observeRollbackKey(route, release),
 *                                     observeRollbackDecision(...))
 *   alert    → await actions.alert(route, release, decision); await state.alerted(route, release, now)
 *
 * `now` always comes from the injected Clock (kernel/clock.ts).
 */

/** An answer the gateway served, as the observer receives it. Content stays at the edge. */
export interface ObservedAnswer {
  /** The request id: the sampling key. */
  readonly requestId: string;
  /** Epoch ms the request arrived. */
  readonly at: number;
  readonly route: string;
  readonly release: ReleaseId;
  readonly headers?: RequestHeaders;
  /** The request body's `metadata`, when it had one. */
  readonly metadata?: unknown;
  /** The user's input as the model received it (after preprocessing). */
  readonly input: string;
  readonly output: string;
}

export interface ScoredSampleStore {
  append(samples: readonly ScoredSample[]): Promise<void>;
  /** Samples of one release on one route that arrived in [from, to). */
  read(route: string, release: ReleaseId, from: number, to: number): Promise<readonly ScoredSample[]>;
}

/** What the observer remembers between ticks, per release on a route. */
export interface ObserverState {
  readonly alreadyRolledBack: boolean;
  readonly lastAlertAt?: number;
}

export interface ObserverStateStore {
  load(route: string, release: ReleaseId): Promise<ObserverState>;
  alerted(route: string, release: ReleaseId, at: number): Promise<void>;
}

export interface ObserverActions {
  /**
   * Rolls the route back from `release` and appends the receipt under `key`
   * once (a key already in the ledger is not appended again); marks the
   * release rolled back in the observer's state in the same step.
   */
  rollback(route: string, release: ReleaseId, key: string, receipt: Decision): Promise<void>;
  alert(route: string, release: ReleaseId, decision: ObserverDecision): Promise<void>;
}
