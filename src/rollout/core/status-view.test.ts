import { describe, expect, it } from 'vitest';
import { statusJson } from './status-view.js';
import { CANDIDATE, Harness, STABLE, command, makeSpec } from './test-support/fixtures.js';

describe('statusJson', () => {
  it('has the contract fields first, from spec and status', () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(100);
    const j = statusJson(h.spec, h.status);
    expect(Object.keys(j).slice(0, 9)).toEqual([
      'route',
      'stable',
      'candidate',
      'phase',
      'weight',
      'step',
      'steps',
      'monitors',
      'events',
    ]);
    expect(j).toMatchObject({
      route: 'legal-assistant',
      stable: STABLE,
      candidate: CANDIDATE,
      phase: 'progressing',
      weight: 5,
      step: 0,
      steps: [5, 25, 100],
    });
    expect(j.monitors.map((m) => m.name)).toEqual([
      'error_rate',
      'error_rate_increase',
      'latency_p95_ratio',
      'cost_ratio',
      'quality',
      'sample_ratio',
    ]);
    // each monitor shows its anytime-valid interval, the evidence so far and what the step still needs
    const q = j.monitors.find((m) => m.name === 'quality')!;
    expect(q.interval).toEqual([q.facts.lower, q.facts.upper]);
    expect(q.interval![0]).toBeLessThan(q.interval![1]);
    expect(q.evidence).toBe(q.facts.e_value);
    expect(q.alpha).toBe(0.05);
    expect(q.status).toBe('inconclusive');
    expect(q.needed).toBeGreaterThan(0);
    expect(j.events.map((e) => e.kind)).toEqual(['rollout-start', 'step']);
    expect(j.events[0]!.at).toBe('2025-01-01T12:00:00.000Z');
    expect(j.step_deadline).toBe('2025-01-01T12:08:00.000Z');
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });

  it('reports pauses and their reasons', () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(100, {}, [command(1, 'pause', h.now, 'alice', 'looking into a report')]);
    const j = statusJson(h.spec, h.status);
    expect(j.phase).toBe('paused');
    expect(j.step_deadline).toBeNull();
    expect(j.paused).toEqual({ by: 'alice', reason: 'looking into a report', at: '2025-01-01T12:00:10.000Z' });
  });
});
