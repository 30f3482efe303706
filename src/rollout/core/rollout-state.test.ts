import { describe, expect, it } from 'vitest';
import { rolloutSchema } from '../../config/sluice-schema.js';
import { initialStatus, specFromConfig, validateSpec, type RolloutSpec } from './rollout-state.js';
import { defaultQualitySamples } from './quality-samples.js';
import { CANDIDATE, STABLE, makeSpec } from './test-support/fixtures.js';

describe('specFromConfig', () => {
  it('maps the rollout section of sluice.yaml', () => {
    const spec = specFromConfig({
      route: 'legal-assistant',
      rolloutId: 'ro-9',
      stable: STABLE,
      candidate: CANDIDATE,
      config: rolloutSchema.parse({ monitors: { error_rate: 0.05 } }),
      qualityMonitored: false,
      rollbackWindowSeconds: 600,
    });
    expect(spec).toEqual({
      route: 'legal-assistant',
      rolloutId: 'ro-9',
      stable: STABLE,
      candidate: CANDIDATE,
      steps: [5, 25, 100],
      dwellSeconds: 240,
      minRequests: 1000,
      intervalSeconds: 10,
      monitors: {
        errorRate: 0.05,
        latencyP95Ratio: 1.2,
        costRatio: 1.5,
        qualityDrop: null,
        errorRateIncrease: 0.01,
        alpha: 0.05,
        qualitySamples: defaultQualitySamples(0.05, 0.05),
      },
      rollbackWindowSeconds: 600,
      holdbackPercent: 0,
    });
    expect(makeSpec().monitors.qualityDrop).toBe(0.05);
    expect(makeSpec().rollbackWindowSeconds).toBe(3600);
  });
});

describe('validateSpec', () => {
  const ok = makeSpec();
  it.each<[string, Partial<RolloutSpec>]>([
    ['steps that do not end at 100', { steps: [5, 25] }],
    ['steps that do not increase', { steps: [25, 5, 100] }],
    ['no steps', { steps: [] }],
    ['a negative dwell', { dwellSeconds: -1 }],
    ['a zero interval', { intervalSeconds: 0 }],
    ['a fractional request minimum', { minRequests: 1.5 }],
    ['candidate equal to stable', { candidate: STABLE }],
    ['an error ceiling above 1', { monitors: { ...ok.monitors, errorRate: 2 } }],
  ])('rejects %s', (_name, patch) => {
    expect(() => validateSpec({ ...ok, ...patch })).toThrow(RangeError);
  });
});

describe('initialStatus', () => {
  it('is idle, at step 0, with no phase field and nothing consumed', () => {
    const s = initialStatus(makeSpec());
    expect(s).toMatchObject({ rolloutId: 'ro-1', startedAt: null, stepIndex: 0, commandSeq: 0, events: [] });
    expect(Object.keys(s)).not.toContain('phase');
  });
});
