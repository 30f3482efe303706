import { describe, expect, it } from 'vitest';
import { canaryWeight, computePhase, desiredRoute, stepDeadline, warmUntil } from './phase.js';
import { initialStatus, type RolloutStatus } from './rollout-state.js';
import { CANDIDATE, SECOND, STABLE, T0, makeSpec } from './test-support/fixtures.js';

const spec = makeSpec();
const idle = initialStatus(spec);
const running: RolloutStatus = { ...idle, startedAt: T0, stepIndex: 1, stepStartedAt: T0 + 240 * SECOND };
const mark = { by: 'alice', reason: 'why not', at: T0 + 300 * SECOND };

describe('computePhase', () => {
  it.each<[string, RolloutStatus, string, number]>([
    ['not started', idle, 'idle', 0],
    ['started, no marks', running, 'progressing', 25],
    ['paused', { ...running, paused: mark }, 'paused', 25],
    ['promoted', { ...running, promotedAt: T0 }, 'promoted', 100],
    ['aborted', { ...running, aborted: mark }, 'aborted', 0],
    ['rolled back', { ...running, rolledBackAt: T0, haltReason: 'x' }, 'rolled_back', 0],
    ['rolled back after promotion', { ...running, promotedAt: T0, rolledBackAt: T0 + 1 }, 'rolled_back', 0],
    ['paused then aborted', { ...running, paused: mark, aborted: mark }, 'aborted', 0],
  ])('%s → %s at weight %d', (_name, status, phase, weight) => {
    expect(computePhase(spec, status)).toBe(phase);
    expect(canaryWeight(spec, status)).toBe(weight);
  });

  it('refuses a step index outside the steps', () => {
    expect(() => computePhase(spec, { ...running, stepIndex: 3 })).toThrow(RangeError);
    expect(() => computePhase(spec, { ...running, stepIndex: -1 })).toThrow(RangeError);
  });
});

describe('stepDeadline', () => {
  it('is stepStartedAt + max(2 × dwell, dwell + 10 × interval)', () => {
    expect(stepDeadline(spec, running)).toBe(T0 + (240 + 480) * SECOND);
    const short = makeSpec({ dwell_seconds: 30, interval_seconds: 10 });
    expect(stepDeadline(short, { ...running })).toBe(T0 + (240 + 130) * SECOND);
    expect(stepDeadline(spec, idle)).toBeNull();
  });
});

describe('desiredRoute', () => {
  it('routes the canary while active, swaps after promotion and keeps the old stable warm', () => {
    expect(desiredRoute(spec, idle)).toEqual({ route: 'legal-assistant', stable: STABLE, canary: null, warm: null });
    expect(desiredRoute(spec, { ...running, paused: mark }).canary).toEqual({ release: CANDIDATE, weight: 25 });
    const promoted = { ...running, promotedAt: T0 };
    expect(warmUntil(spec, promoted)).toBe(T0 + 3600 * SECOND);
    expect(desiredRoute(spec, promoted)).toEqual({
      route: 'legal-assistant',
      stable: CANDIDATE,
      canary: null,
      warm: { release: STABLE, until: T0 + 3600 * SECOND },
    });
    expect(desiredRoute(spec, { ...running, aborted: mark }).canary).toBeNull();
  });

  it('keeps a holdback share on the previous stable after promotion (observe.holdback), and none after a rollback', () => {
    const held = { ...spec, holdbackPercent: 2 };
    const promoted = { ...running, promotedAt: T0 };
    expect(desiredRoute(held, promoted)).toMatchObject({ stable: CANDIDATE, canary: { release: STABLE, weight: 2 } });
    expect(desiredRoute(held, running).canary).toEqual({ release: CANDIDATE, weight: 25 });
    expect(desiredRoute(held, { ...promoted, rolledBackAt: T0 + 1 })).toMatchObject({ stable: STABLE, canary: null });
  });
});
