import { describe, expect, it } from 'vitest';
import { mulberry32, randomIndex, type Random } from '../../stats/index.js';
import { COMMAND_KINDS, type Command, type CommandKind } from './commands.js';
import type { ArmWindow, ArmWindows } from './monitors.js';
import { computePhase, type Phase } from './phase.js';
import { reconcile, type Observation } from './reconcile.js';
import { initialStatus, type RolloutSpec, type RolloutStatus } from './rollout-state.js';
import { SECOND, T0, makeSpec, scores } from './test-support/fixtures.js';

const pick = <T>(r: Random, xs: readonly T[]): T => xs[randomIndex(r, xs.length)]!;

function randomSpec(r: Random): RolloutSpec {
  const steps: number[] = [];
  for (const w of [1, 5, 10, 25, 50, 75]) if (r() < 0.4) steps.push(w);
  steps.push(100);
  return makeSpec(
    {
      steps,
      dwell_seconds: pick(r, [0, 5, 60, 240]),
      min_requests: pick(r, [0, 10, 200, 1000]),
      interval_seconds: pick(r, [1, 10, 30]),
      // Lenient monitors: the invariants below are about the controller, so healthy windows must pass often.
      alpha: 0.5,
      monitors: { error_rate_increase: 0.05 },
    },
    r() < 0.8,
  );
}

/** An arm with edge-computed latency and cost moments (cheap enough for thousands of ticks). */
function arm(r: Random, count: number, errors: number, quality: number[]): ArmWindow {
  const ok = count - errors;
  return {
    count,
    errors,
    p95Ms: 380 + r() * 40,
    logLatency: { n: ok, mean: Math.log(380 + r() * 40), m2: 0.04 * Math.max(0, ok - 1) },
    costUsd: count * 0.001,
    costs: { n: count, mean: 0.001, m2: 0 },
    tokens: count * 500,
    quality,
  };
}

/** One random observation: clock jumps, traffic, healthy / failing / thin / missing windows, commands (some replayed). */
function randomObservation(r: Random, now: number, total: number, weight: number, seq: { next: number }): Observation {
  const served = pick(r, [0, 100, 600, 1500, 6000]);
  const canaryCount = Math.round((served * weight) / 100);
  const kind = r();
  const errors = kind < 0.005 ? canaryCount : 0;
  const nScores = kind < 0.15 ? 3 : 60;
  const canaryQ = scores(nScores, kind >= 0.005 && kind < 0.01 ? 0.3 : 0.7, now);
  const from = now - pick(r, [1, 10, 60]) * SECOND;
  const windows: ArmWindows | undefined =
    r() < 0.85
      ? {
          from,
          to: now,
          canary: arm(r, canaryCount, errors, canaryQ),
          stable: arm(r, served - canaryCount, 0, scores(60, 0.7, now + 1)),
        }
      : undefined;
  const commands: Command[] = [];
  if (r() < 0.03) commands.push({ seq: ++seq.next, kind: pick(r, MOSTLY_PAUSES), actor: 'op', at: now });
  if (r() < 0.03 && seq.next > 0)
    commands.push({ seq: 1 + randomIndex(r, seq.next), kind: pick(r, COMMAND_KINDS), actor: 'op', at: now });
  return { now, canaryRequestsTotal: total + canaryCount, ...(windows ? { windows } : {}), commands };
}

/** Every kind, the ones that end a rollout rarer. */
const MOSTLY_PAUSES: readonly CommandKind[] = [
  'pause',
  'pause',
  'pause',
  'resume',
  'resume',
  'resume',
  'resume',
  'promote',
  'abort',
  'rollback',
];

const ALLOWED_NEXT: Record<Phase, readonly Phase[]> = {
  idle: ['progressing', 'paused', 'promoted', 'rolled_back', 'aborted'],
  progressing: ['progressing', 'paused', 'promoted', 'rolled_back', 'aborted'],
  paused: ['paused', 'progressing', 'promoted', 'rolled_back', 'aborted'],
  promoted: ['promoted', 'rolled_back'],
  rolled_back: ['rolled_back'],
  aborted: ['aborted'],
};

describe('random sequences of observations', () => {
  it('keep the weight in 0..100 on the steps, never skip or repeat a step, never end one early, and replay as no-ops', () => {
    const problems: string[] = [];
    const coverage = { transitions: 0, multiStep: 0, controllerPromotions: 0, deadlinePauses: 0, halts: 0 };

    for (let seed = 1; seed <= 100; seed++) {
      const r = mulberry32(seed);
      const spec = randomSpec(r);
      const allowed = new Set([0, 100, ...spec.steps]);
      let status: RolloutStatus = initialStatus(spec);
      let now = T0;
      let total = 0;
      const seq = { next: 0 };
      const keys = new Set<string>();
      const stepsEntered: number[] = [];

      for (let tick = 0; tick < 100; tick++) {
        const check = (ok: boolean, what: string) => {
          if (!ok) problems.push(`seed ${seed} tick ${tick}: ${what}`);
        };
        now += pick(r, [0, 1, 5, 10, 30, 120]) * SECOND;
        const before = status;
        const phaseBefore = computePhase(spec, before);
        const obs = randomObservation(r, now, total, phaseBefore === 'idle' ? 0 : spec.steps[before.stepIndex]!, seq);
        total = obs.canaryRequestsTotal;
        const res = reconcile(spec, before, obs);
        status = res.status;

        check(res.weight >= 0 && res.weight <= 100 && allowed.has(res.weight), `weight ${res.weight}`);
        for (const a of res.actions) if (a.type === 'setWeight') check(allowed.has(a.weight), `setWeight ${a.weight}`);
        check(ALLOWED_NEXT[phaseBefore].includes(res.phase), `${phaseBefore} → ${res.phase}`);
        const moved = status.stepIndex - before.stepIndex;
        check(moved === 0 || moved === 1, `step index moved by ${moved}`);
        check(status.events.length <= 50, 'events unbounded');

        const steps = res.decisions.filter((d) => d.kind === 'step');
        check(steps.length <= 1, `${steps.length} steps in one tick`);
        const ended = res.decisions.filter(
          (d) => (d.kind === 'step' && phaseBefore !== 'idle') || (d.kind === 'promote' && d.actor === 'controller'),
        );
        for (const d of ended) {
          // a step ends only after its dwell and its requests
          check(now - before.stepStartedAt! >= spec.dwellSeconds * SECOND, `${d.key} before the dwell`);
          check(obs.canaryRequestsTotal - before.stepRequestsBase >= spec.minRequests, `${d.key} before min_requests`);
        }
        stepsEntered.push(...steps.map((d) => d.what.step as number));
        for (const d of res.decisions) {
          check(!keys.has(d.key), `decision ${d.key} twice`);
          keys.add(d.key);
          if (d.kind === 'promote' && d.actor === 'controller') coverage.controllerPromotions++;
          if (d.kind === 'pause' && d.actor === 'controller') coverage.deadlinePauses++;
          if (d.kind === 'halt' && d.actor === 'controller') coverage.halts++;
        }
        if (res.decisions.length > 0) coverage.transitions++;

        const again = reconcile(spec, status, obs);
        check(!again.changed && again.decisions.length === 0, 'replay changed something');
      }
      if (stepsEntered.some((v, i) => v !== i)) problems.push(`seed ${seed}: steps entered ${stepsEntered.join(',')}`);
      if (stepsEntered.length > 1) coverage.multiStep++;
    }

    expect(problems).toEqual([]);
    // the sequences do exercise the controller
    expect(coverage.transitions).toBeGreaterThan(300);
    expect(coverage.multiStep).toBeGreaterThan(20);
    expect(coverage.controllerPromotions).toBeGreaterThan(10);
    expect(coverage.deadlinePauses).toBeGreaterThan(10);
    expect(coverage.halts).toBeGreaterThan(3);
  });
});
