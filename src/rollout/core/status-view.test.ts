import { describe, expect, it } from 'vitest';
import { commandRefusal } from './commands.js';
import { statusJson } from './status-view.js';
import { CANDIDATE, Harness, STABLE, command, makeSpec } from './test-support/fixtures.js';

describe('statusJson', () => {
  it('has the contract fields first, from spec and status', () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(100);
    const j = statusJson(h.spec, h.status, { now: h.now + 5000, canaryRequestsTotal: h.total + 3 });
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

  it("shows the step's requests against min_requests, dwell elapsed and remaining, and what it waits for", () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(100); // 10 s at 5% of 100 req/s: 50 canary requests into the step
    const p = statusJson(h.spec, h.status, { now: h.now + 5000, canaryRequestsTotal: h.total }).step_progress!;
    expect(p).toMatchObject({
      index: 0,
      weight: 5,
      started_at: '2025-01-01T12:00:00.000Z',
      requests: 50,
      min_requests: 1000,
      dwell_seconds: 240,
      elapsed_seconds: 15,
      dwell_remaining_seconds: 225,
      deadline: '2025-01-01T12:08:00.000Z',
    });
    expect(p.waiting_for.slice(0, 2)).toEqual(['dwell: 225 s of 240 s left', 'canary requests: 50 of 1000']);
    // the monitors that are not yet conclusive are named, with the reason
    expect(p.waiting_for.slice(2).every((w) => w.startsWith('monitor '))).toBe(true);
    expect(p.waiting_for.some((w) => /^monitor quality inconclusive: /.test(w))).toBe(true);
    // an unread counter says so rather than showing 0
    const unread = statusJson(h.spec, h.status, { now: h.now, canaryRequestsTotal: null }).step_progress!;
    expect(unread.requests).toBeNull();
    expect(unread.waiting_for).toContain('canary requests: ? of 1000');
  });

  it('has no step in progress once the rollout ended', () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(100, {}, [command(1, 'abort', h.now, 'alice', 'wrong build')]);
    const j = statusJson(h.spec, h.status, { now: h.now, canaryRequestsTotal: h.total });
    expect(j.phase).toBe('aborted');
    expect(j.step_progress).toBeNull();
  });

  it('reports pauses and their reasons', () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(100, {}, [command(1, 'pause', h.now, 'alice', 'looking into a report')]);
    const j = statusJson(h.spec, h.status, { now: h.now, canaryRequestsTotal: h.total });
    expect(j.phase).toBe('paused');
    expect(j.step_progress?.deadline).toBeNull();
    expect(j.step_progress?.waiting_for[0]).toBe('paused by alice: sluice resume (or promote, abort)');
    expect(j.step_deadline).toBeNull();
    expect(j.paused).toEqual({ by: 'alice', reason: 'looking into a report', at: '2025-01-01T12:00:10.000Z' });
  });
});

describe('commandRefusal', () => {
  it('says there is nothing to do where a command does not apply, and nothing where it does', () => {
    expect(commandRefusal('rollback', 'rolled_back')).toMatch(/^nothing to roll back: the rollout is rolled back/);
    expect(commandRefusal('rollback', 'promoted')).toBeNull();
    expect(commandRefusal('pause', 'paused')).toMatch(/^nothing to pause: the rollout is paused; only a progressing/);
    expect(commandRefusal('resume', 'progressing')).toMatch(/only a paused rollout can be resumed/);
    expect(commandRefusal('promote', 'idle')).toMatch(/has not started yet/);
    expect(commandRefusal('abort', 'paused')).toBeNull();
  });
});
