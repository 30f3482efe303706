import { applyCommand, pendingCommands, type Command } from './commands.js';
import { CONTROLLER } from './decision-draft.js';
import { evaluateExternal, type ExternalReading } from './external-monitors.js';
import {
  evaluateMonitors,
  isComparative,
  kayentaScore,
  pausesOnFail,
  type ArmWindows,
  type MonitorSnapshot,
} from './monitors.js';
import { isActive, stepDeadline } from './phase.js';
import { validateSpec, type RolloutSpec, type RolloutStatus } from './rollout-state.js';
import { Tick, type ReconcileResult } from './tick.js';
import { enterStep, halt, monitorJson, pause, promote, snapshotJson, startRollout } from './transitions.js';

export type { ReconcileResult } from './tick.js';

/**
 * One controller tick, as in Argo Rollouts: read spec, status and what the
 * edge observed; run the idempotent steps below in order; return the one
 * status to write, the actions, and the receipt drafts. Pure: the clock is
 * `observation.now`.
 *
 * 1. Start: an idle rollout starts (receipt `rollout-start`) and enters step
 *    0 (receipt `step`: every entry into a step, the first included, has one).
 * 2. Commands newer than `status.commandSeq`, in sequence order.
 * 3. Monitors, while progressing or paused and windows are given: the reading
 *    becomes `lastMonitors`; any `fail` halts at once — canary weight 0, phase
 *    rolled_back, receipts `halt` and `rollback` holding the breaching values
 *    — except a sample-ratio mismatch, which pauses with its reason (receipt
 *    `pause`, by `controller`): the split itself is broken, not the canary.
 *    The monitors are anytime-valid (monitors.ts), so reading them at every
 *    tick keeps each one's error rate at its alpha, provided the windows
 *    span the step (from = stepStartedAt) as the store's observer gives them.
 * 4. Progress, while progressing. A step ends when all of these hold:
 *    - dwell_seconds have passed since the step began;
 *    - the canary served min_requests in the step (the request counter minus
 *      its value when the step began);
 *    - the latest monitor reading belongs to the step (taken after the step
 *      began, on a window starting no earlier) and every monitor in it
 *      passed. At 100% the stable arm gets no traffic, so there only the
 *      canary's own monitor (error_rate) must pass; a comparative monitor
 *      that still fails halts as anywhere else.
 *    Then the next step begins (receipt `step`), or after the last step the
 *    candidate is promoted (receipt `promote`; the stable pointer swaps to
 *    the candidate and the previous stable stays warm for
 *    rollbackWindowSeconds). At most one step per tick.
 *    Inconclusive evidence waits (never promotes); once the step's deadline,
 *    stepStartedAt + max(2 × dwell, dwell + 10 × interval), has passed with
 *    the step still unable to end, the rollout pauses (receipt `pause`, by
 *    `controller`, with the reason). A pause never fails the rollout: a human
 *    resumes (a fresh dwell for the step), promotes, aborts or rolls back.
 *
 * Replaying an observation against the status it produced changes nothing:
 * commands are consumed by sequence number; a new step starts its request
 * count at the observed counter and its clock at `now`, and a reading taken
 * at `now` does not count for a step that began at `now`; the same reading
 * gives the same `lastMonitors`. Replaying it against the status it was
 * first applied to (a crash before the write) gives the same status and the
 * same decision keys, so the edge records each receipt once.
 */

export interface Observation {
  /** The injected clock, epoch ms. */
  readonly now: number;
  /**
   * Canary requests served since the rollout began: a monotone counter the
   * edge reads from its durable traces. The status keeps its value at the
   * start of each step, so requests in the step are derived, never carried
   * over into the next step.
   */
  readonly canaryRequestsTotal: number;
  /**
   * Canary and stable aggregates over one span of time, when one has closed.
   * The edge chooses the span: the last interval (quickest to react), or
   * everything since the step began (from = stepStartedAt: more data for the
   * minimum counts at low traffic). A reading counts towards ending a step
   * only when its span starts no earlier than the step.
   */
  readonly windows?: ArmWindows;
  /**
   * The spec's external (Prometheus) monitors as read over the same step,
   * read with the windows: one reading per monitor, or the reason it failed.
   */
  readonly external?: readonly ExternalReading[];
  /** Queued operator commands (already-consumed ones are skipped). */
  readonly commands?: readonly Command[];
}

function checkObservation(obs: Observation): void {
  if (!Number.isFinite(obs.now)) throw new RangeError('observation.now must be a finite number of ms');
  if (!Number.isSafeInteger(obs.canaryRequestsTotal) || obs.canaryRequestsTotal < 0) {
    throw new RangeError('observation.canaryRequestsTotal must be an integer ≥ 0');
  }
  const w = obs.windows;
  if (w && !(Number.isFinite(w.from) && Number.isFinite(w.to) && w.from <= w.to)) {
    throw new RangeError('observation.windows needs finite from ≤ to');
  }
  if (w?.weight !== undefined && !(w.weight >= 0 && w.weight <= 100)) {
    throw new RangeError('observation.windows.weight must be in 0..100');
  }
}

function readMonitors(t: Tick, windows: ArmWindows, external: readonly ExternalReading[]): void {
  const results = [
    ...evaluateMonitors(t.spec.monitors, windows, { plannedRequests: t.spec.minRequests }),
    ...evaluateExternal(t.spec.external ?? [], external, t.spec.monitors.alpha),
  ];
  const snapshot: MonitorSnapshot = {
    at: t.now,
    from: windows.from,
    to: windows.to,
    results,
    score: kayentaScore(results),
  };
  t.update({ lastMonitors: snapshot });
  const failed = results.filter((r) => r.status === 'fail' && !pausesOnFail(r));
  if (failed.length > 0) {
    halt(t, snapshot, failed);
    return;
  }
  const mismatch = results.find((r) => r.status === 'fail' && pausesOnFail(r));
  if (mismatch && t.phase === 'progressing') {
    const s = t.status;
    pause(
      t,
      CONTROLLER,
      `${mismatch.name}: ${mismatch.detail}`,
      t.key(`pause/${mismatch.name}/${s.stepIndex}@${s.stepStartedAt}`),
      {
        reason: mismatch.name,
        monitors: snapshotJson(snapshot),
      },
    );
  }
}

/** Whether the latest reading lets the current step end, and if not, what it is waiting for. */
export function stepEvidence(
  spec: RolloutSpec,
  status: RolloutStatus,
): { ok: boolean; snapshot: MonitorSnapshot | null; waiting: string[] } {
  const snap = status.lastMonitors;
  const began = status.stepStartedAt;
  if (snap === null || began === null || snap.at <= began || snap.from < began) {
    return { ok: false, snapshot: null, waiting: ['no monitor reading from this step'] };
  }
  const full = spec.steps[status.stepIndex] === 100;
  const pending = snap.results.filter((r) => r.status !== 'pass' && !(full && isComparative(r)));
  return {
    ok: pending.length === 0,
    snapshot: snap,
    waiting: pending.map((r) => `${r.name} ${r.status}: ${r.detail}`),
  };
}

function progress(t: Tick, requestsTotal: number): void {
  const { spec } = t;
  const s = t.status;
  const began = s.stepStartedAt!;
  const requests = Math.max(0, requestsTotal - s.stepRequestsBase);
  const elapsedMs = t.now - began;
  const dwellDone = elapsedMs >= spec.dwellSeconds * 1000;
  const enough = requests >= spec.minRequests;
  const evidence = stepEvidence(spec, s);
  const weight = spec.steps[s.stepIndex]!;

  if (dwellDone && enough && evidence.ok) {
    const what = { requests, dwell_seconds: elapsedMs / 1000, monitors: snapshotJson(evidence.snapshot!) };
    const why = [`step at ${weight}% held ${elapsedMs / 1000} s with ${requests} canary requests and passing monitors`];
    if (s.stepIndex === spec.steps.length - 1) promote(t, CONTROLLER, why, what);
    else enterStep(t, s.stepIndex + 1, requestsTotal, why, what);
    return;
  }

  if (t.now < stepDeadline(spec, s)!) return;
  const missing: string[] = [];
  if (!dwellDone) missing.push(`dwell ${elapsedMs / 1000}/${spec.dwellSeconds} s`);
  if (!enough) missing.push(`${requests}/${spec.minRequests} canary requests`);
  missing.push(...evidence.waiting);
  const reason = `step at ${weight}% reached its deadline without conclusive evidence: ${missing.join('; ')}`;
  const what = {
    reason: 'deadline',
    requests,
    min_requests: spec.minRequests,
    step_started_at: new Date(began).toISOString(),
    monitors: s.lastMonitors ? s.lastMonitors.results.map(monitorJson) : [],
  };
  pause(t, CONTROLLER, reason, t.key(`pause/${s.stepIndex}@${began}`), what);
}

export function reconcile(spec: RolloutSpec, status: RolloutStatus, observation: Observation): ReconcileResult {
  validateSpec(spec);
  checkObservation(observation);
  const t = new Tick(spec, status, observation.now);
  const total = observation.canaryRequestsTotal;
  if (t.phase === 'idle') startRollout(t, total);
  for (const c of pendingCommands(status, observation.commands ?? [])) applyCommand(t, c);
  if (observation.windows && isActive(t.phase)) readMonitors(t, observation.windows, observation.external ?? []);
  if (t.phase === 'progressing') progress(t, total);
  return t.result();
}
