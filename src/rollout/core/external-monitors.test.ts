import { describe, expect, it } from 'vitest';
import { evaluateExternal, type ExternalMonitorSpec, type ExternalReading } from './external-monitors.js';
import { stepEvidence } from './reconcile.js';
import { Harness, makeSpec } from './test-support/fixtures.js';

const errorsSpec: ExternalMonitorSpec = {
  name: 'mesh_errors',
  kind: 'error_rate',
  max: 0.02,
  onBreach: 'rollback',
  queries: { errors: { canary: 'e', stable: 'e' }, requests: { canary: 'r', stable: 'r' } },
};
const p95Spec: ExternalMonitorSpec = {
  name: 'mesh_p95',
  kind: 'ratio',
  max: 1.2,
  onBreach: 'pause',
  queries: { value: { canary: 'v', stable: 'v' } },
};
const counts = (errors: number, requests: number): ExternalReading => ({
  name: 'mesh_errors',
  ok: true,
  canary: { errors, requests },
  stable: { errors: 0, requests: 5000 },
});

describe('a Prometheus error-rate monitor', () => {
  it('fails when the counts prove the canary above its ceiling, with the anytime-valid interval', () => {
    const [r] = evaluateExternal([errorsSpec], [counts(120, 1000)], 0.05);
    expect(r!.name).toBe('prometheus:mesh_errors');
    expect(r!.status).toBe('fail');
    expect(r!.critical).toBe(true);
    expect(r!.facts.lower).toBeGreaterThan(0.02);
    expect(r!.facts.upper).toBeLessThan(0.2);
  });

  it('passes when the counts prove it under the ceiling, and waits when they cannot tell', () => {
    expect(evaluateExternal([errorsSpec], [counts(2, 5000)], 0.05)[0]!.status).toBe('pass');
    expect(evaluateExternal([errorsSpec], [counts(1, 40)], 0.05)[0]!.status).toBe('inconclusive');
  });

  it('rounds the extrapolated counts increase() gives', () => {
    const [r] = evaluateExternal([errorsSpec], [counts(119.6, 1000.4)], 0.05);
    expect(r!.facts.errors).toBe(120);
    expect(r!.facts.count).toBe(1000);
  });

  it('is inconclusive, never pass or fail, when Prometheus could not be read', () => {
    const [r] = evaluateExternal([errorsSpec], [{ name: 'mesh_errors', ok: false, error: 'connection refused' }], 0.05);
    expect(r!.status).toBe('inconclusive');
    expect(r!.detail).toContain('connection refused');
    expect(evaluateExternal([errorsSpec], [], 0.05)[0]!.status).toBe('inconclusive');
  });
});

describe('a Prometheus ratio monitor', () => {
  it('compares canary / stable with its ceiling and states that it has no interval', () => {
    const read = (c: number, s: number): ExternalReading => ({
      name: 'mesh_p95',
      ok: true,
      canary: { value: c },
      stable: { value: s },
    });
    const bad = evaluateExternal([p95Spec], [read(900, 500)], 0.05)[0]!;
    expect(bad.status).toBe('fail');
    expect(bad.value).toBeCloseTo(1.8);
    expect(bad.onFail).toBe('pause');
    expect(bad.facts.lower).toBeNull();
    expect(evaluateExternal([p95Spec], [read(520, 500)], 0.05)[0]!.status).toBe('pass');
    expect(evaluateExternal([p95Spec], [read(520, 0)], 0.05)[0]!.status).toBe('inconclusive');
  });
});

describe('the controller with Prometheus monitors beside its own', () => {
  const promConfig = {
    steps: [50, 100],
    dwell_seconds: 60,
    min_requests: 100,
    monitors: {
      mesh_errors: {
        kind: 'error_rate',
        errors: 'sum(increase(errors_total{version="{{release_short}}"}[{{window}}]))',
        requests: 'sum(increase(requests_total{version="{{release_short}}"}[{{window}}]))',
        max: 0.02,
      },
      mesh_p95: { kind: 'ratio', query: { canary: 'c', stable: 's' }, max: 1.2 },
    },
  };

  it('reads the spec from rollout.monitors', () => {
    const spec = makeSpec(promConfig, false);
    expect(spec.external?.map((m) => [m.name, m.kind, m.onBreach])).toEqual([
      ['mesh_errors', 'error_rate', 'rollback'],
      ['mesh_p95', 'ratio', 'pause'],
    ]);
    expect(spec.external?.[1]?.queries.value).toEqual({ canary: 'c', stable: 's' });
  });

  it('rolls back when the mesh proves the canary failing although its own traffic looks healthy', () => {
    const h = new Harness(makeSpec(promConfig, false));
    h.tick();
    expect(h.step(20).phase).toBe('progressing');
    h.now += 1000;
    const halted = h.tick({
      windows: h.last!.windows!,
      external: [counts(150, 1000), { name: 'mesh_p95', ok: true, canary: { value: 100 }, stable: { value: 100 } }],
    });
    expect(halted.phase).toBe('rolled_back');
    expect(h.kinds()).toContain('halt');
    expect(halted.status.haltReason).toContain('prometheus:mesh_errors');
  });

  it('pauses, never rolls back, on a ratio breach', () => {
    const h = new Harness(makeSpec(promConfig, false));
    h.tick();
    h.step(20);
    const r = h.tick({
      windows: h.last!.windows!,
      external: [counts(0, 2000), { name: 'mesh_p95', ok: true, canary: { value: 900 }, stable: { value: 300 } }],
    });
    expect(r.phase).toBe('paused');
    expect(r.status.paused?.reason).toContain('prometheus:mesh_p95');
    expect(h.kinds()).not.toContain('rollback');
  });

  it('with Prometheus down, the step never ends on it: it waits, then pauses at the deadline', () => {
    const h = new Harness(makeSpec(promConfig, false));
    h.tick();
    const down: ExternalReading[] = [
      { name: 'mesh_errors', ok: false, error: 'http://127.0.0.1:9 cannot be reached' },
      { name: 'mesh_p95', ok: false, error: 'http://127.0.0.1:9 cannot be reached' },
    ];
    let phase = 'progressing';
    for (let i = 0; i < 40 && phase === 'progressing'; i++) {
      h.now += 10_000;
      const windows = {
        from: h.status.stepStartedAt!,
        to: h.now,
        weight: 50,
        canary: {
          count: 40 * (i + 1),
          errors: 0,
          latenciesMs: Array(40 * (i + 1)).fill(100),
          costUsd: 0,
          tokens: 0,
          costs: { n: 40 * (i + 1), mean: 0, m2: 0 },
          quality: [],
        },
        stable: {
          count: 40 * (i + 1),
          errors: 0,
          latenciesMs: Array(40 * (i + 1)).fill(100),
          costUsd: 0,
          tokens: 0,
          costs: { n: 40 * (i + 1), mean: 0, m2: 0 },
          quality: [],
        },
      };
      h.total += 40;
      phase = h.tick({ windows, external: down }).phase;
    }
    expect(phase).toBe('paused');
    expect(h.status.stepIndex).toBe(0);
    expect(h.status.paused?.reason).toContain('cannot be reached');
    expect(h.kinds()).not.toContain('rollback');
    expect(h.kinds()).not.toContain('promote');
    expect(stepEvidence(h.spec, h.status).ok).toBe(false);
  });
});
