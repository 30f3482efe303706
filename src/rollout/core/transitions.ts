import type { JsonValue } from '../../kernel/canonical-json.js';
import { CONTROLLER } from './decision-draft.js';
import type { MonitorResult, MonitorSnapshot } from './monitors.js';
import { warmUntil } from './phase.js';
import type { Tick } from './tick.js';

/**
 * The rollout's transitions. Each changes the status, records the receipt
 * draft keyed by the transition, appends an event and asks for the routing
 * change, all in one place so commands and the controller's own decisions
 * stay identical.
 */

type What = { [key: string]: JsonValue };

const iso = (ms: number): string => new Date(ms).toISOString();

export function monitorJson(r: MonitorResult): What {
  return {
    name: r.name,
    value: r.value,
    threshold: r.threshold,
    status: r.status,
    critical: r.critical,
    detail: r.detail,
    facts: { ...r.facts },
  };
}

export function snapshotJson(s: MonitorSnapshot): What {
  return { window: { from: iso(s.from), to: iso(s.to) }, score: s.score, results: s.results.map(monitorJson) };
}

/** Enter step `index` at this tick: its clock and request count start now. */
export function enterStep(
  t: Tick,
  index: number,
  requestsTotal: number,
  why: readonly string[],
  what: What = {},
): void {
  const { steps } = t.spec;
  const from = index === 0 ? 0 : steps[index - 1]!;
  const to = steps[index]!;
  t.update({ stepIndex: index, stepStartedAt: t.now, stepRequestsBase: requestsTotal });
  t.decide(
    'step',
    t.key(`step/${index}`),
    CONTROLLER,
    { step: index, steps: [...steps], from_weight: from, to_weight: to, ...what },
    why,
  );
  t.act({ type: 'setWeight', weight: to });
  t.event('step', `canary ${from}% → ${to}%`);
}

export function startRollout(t: Tick, requestsTotal: number): void {
  const { spec } = t;
  t.update({ startedAt: t.now });
  const m = spec.monitors;
  t.decide(
    'rollout-start',
    t.key('rollout-start'),
    CONTROLLER,
    {
      rollout: spec.rolloutId,
      stable: spec.stable,
      candidate: spec.candidate,
      steps: [...spec.steps],
      dwell_seconds: spec.dwellSeconds,
      min_requests: spec.minRequests,
      interval_seconds: spec.intervalSeconds,
      monitors: {
        error_rate: m.errorRate,
        latency_p95_ratio: m.latencyP95Ratio,
        cost_ratio: m.costRatio,
        quality_drop: m.qualityDrop,
        error_rate_increase: m.errorRateIncrease,
        alpha: m.alpha,
        quality_samples: m.qualitySamples,
      },
    },
    [`canary rollout of ${spec.candidate} on ${spec.route}`],
  );
  t.event('rollout-start', `rollout ${spec.rolloutId} started`);
  enterStep(t, 0, requestsTotal, ['rollout started']);
}

export function promote(t: Tick, actor: string, why: readonly string[], what: What = {}): void {
  const { spec } = t;
  const before = t.weight;
  t.update({ promotedAt: t.now, paused: null });
  const until = warmUntil(spec, t.status)!;
  t.decide(
    'promote',
    t.key('promote'),
    actor,
    {
      step: t.status.stepIndex,
      from_weight: before,
      stable: spec.candidate,
      previous_stable: spec.stable,
      warm_until: iso(until),
      ...what,
    },
    why,
  );
  if (before !== 100) t.act({ type: 'setWeight', weight: 100 });
  t.act({ type: 'swapStable', stable: spec.candidate, previous: spec.stable, warmUntil: until });
  t.event('promote', `promoted by ${actor}: ${spec.candidate} is stable`);
}

export function rollBack(t: Tick, actor: string, reason: string, what: What = {}): void {
  const { spec } = t;
  const afterPromotion = t.phase === 'promoted';
  const before = t.weight;
  t.update({ rolledBackAt: t.now, haltReason: reason, paused: null });
  t.decide(
    'rollback',
    t.key('rollback'),
    actor,
    {
      step: t.status.stepIndex,
      from_weight: before,
      from: spec.candidate,
      to: spec.stable,
      after_promotion: afterPromotion,
      ...what,
    },
    [reason],
  );
  t.act(
    afterPromotion
      ? { type: 'restoreStable', stable: spec.stable, from: spec.candidate }
      : { type: 'setWeight', weight: 0 },
  );
  t.event('rollback', `rolled back by ${actor}: ${reason}`);
}

/** A monitor breach: halt, then roll back, both receipts holding the breaching values. */
export function halt(t: Tick, snapshot: MonitorSnapshot, failed: readonly MonitorResult[]): void {
  const reason = `monitor breach: ${failed.map((r) => `${r.name} (${r.detail})`).join('; ')}`;
  const breached = failed.map(monitorJson);
  t.decide(
    'halt',
    t.key('halt'),
    CONTROLLER,
    { step: t.status.stepIndex, weight: t.weight, ...snapshotJson(snapshot), breached },
    failed.map((r) => `${r.name}: ${r.detail}`),
  );
  t.event('halt', reason);
  rollBack(t, CONTROLLER, reason, { trigger: 'monitor', breached });
}

export function abort(t: Tick, actor: string, reason: string, what: What): void {
  const before = t.weight;
  t.update({ aborted: { by: actor, reason, at: t.now }, paused: null });
  t.decide(
    'halt',
    t.key('abort'),
    actor,
    { outcome: 'aborted', step: t.status.stepIndex, from_weight: before, ...what },
    [reason],
  );
  t.act({ type: 'setWeight', weight: 0 });
  t.event('halt', `aborted by ${actor}: ${reason}`);
}

export function pause(t: Tick, by: string, reason: string, key: string, what: What): void {
  t.update({ paused: { by, reason, at: t.now } });
  t.decide('pause', key, by, { step: t.status.stepIndex, weight: t.weight, ...what }, [reason]);
  t.event('pause', `paused by ${by}: ${reason}`);
}

/** Resume restarts the step's clock (a fresh dwell and deadline); requests already served in the step still count. */
export function resume(t: Tick, actor: string, reason: string, key: string, what: What): void {
  const pausedAt = t.status.paused?.at ?? t.now;
  t.update({ paused: null, stepStartedAt: t.now });
  t.decide('resume', key, actor, { step: t.status.stepIndex, weight: t.weight, paused_ms: t.now - pausedAt, ...what }, [
    reason,
  ]);
  t.event('resume', `resumed by ${actor}: ${reason}`);
}
