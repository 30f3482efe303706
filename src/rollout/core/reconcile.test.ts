import { describe, expect, it } from 'vitest';
import { decisionToStatement } from '../../audit/ledger/decision.js';
import { statementBytes } from '../../audit/envelope/in-toto.js';
import { toDecision } from './decision-draft.js';
import { computePhase, desiredRoute } from './phase.js';
import { reconcile } from './reconcile.js';
import { initialStatus } from './rollout-state.js';
import {
  CANDIDATE,
  Harness,
  SECOND,
  STABLE,
  T0,
  command,
  makeSpec,
  scores,
  windowsAt,
} from './test-support/fixtures.js';

const RPS = 100; // at 5% the canary serves 5 req/s: 1000 requests in 200 s, inside the 240 s dwell

/** Runs ticks every interval until `until` (ms after T0) or a terminal phase. */
function runUntil(h: Harness, untilMs: number, rps = RPS): void {
  while (h.now < T0 + untilMs) {
    const r = h.step(rps);
    if (r.phase !== 'progressing' && r.phase !== 'paused') break;
  }
}

describe('a healthy candidate', () => {
  it('walks 5 → 25 → 100 and is promoted in virtual time, one step receipt per step', () => {
    const h = new Harness(makeSpec());
    const first = h.tick();
    expect(first.phase).toBe('progressing');
    expect(first.weight).toBe(5);
    expect(first.actions).toEqual([{ type: 'setWeight', weight: 5 }]);

    const weights: number[] = [];
    while (h.results.at(-1)!.phase === 'progressing') {
      h.step(RPS);
      if (weights.at(-1) !== h.weight) weights.push(h.weight);
    }
    expect(weights).toEqual([5, 25, 100]);
    expect(h.results.at(-1)!.phase).toBe('promoted');
    expect(h.kinds()).toEqual(['rollout-start', 'step', 'step', 'step', 'promote']);

    const steps = h.decisions.filter((d) => d.kind === 'step');
    expect(steps.map((d) => d.key)).toEqual(['ro-1/step/0', 'ro-1/step/1', 'ro-1/step/2']);
    expect(steps.map((d) => [d.what.from_weight, d.what.to_weight])).toEqual([
      [0, 5],
      [5, 25],
      [25, 100],
    ]);
    // each step held exactly its 240 s dwell (the evidence was there by then)
    expect(steps.map((d) => (d.at - T0) / SECOND)).toEqual([0, 240, 480]);
    const promote = h.decisions.at(-1)!;
    expect((promote.at - T0) / SECOND).toBe(720);
    expect(promote.actor).toBe('controller');
    expect(promote.what.requests).toBeGreaterThanOrEqual(1000);

    const last = h.results.at(-1)!;
    expect(last.weight).toBe(100);
    expect(last.actions).toEqual([
      { type: 'swapStable', stable: CANDIDATE, previous: STABLE, warmUntil: promote.at + 3600 * SECOND },
    ]);
    expect(desiredRoute(h.spec, h.status)).toEqual({
      route: 'legal-assistant',
      stable: CANDIDATE,
      canary: null,
      warm: { release: STABLE, until: promote.at + 3600 * SECOND },
    });
    // the drafts become ledger decisions about the candidate
    expect(toDecision(promote)).toMatchObject({
      kind: 'promote',
      subject: CANDIDATE,
      route: 'legal-assistant',
      at: new Date(promote.at),
    });

    // a promoted rollout does nothing more on its own
    const after = h.step(RPS);
    expect(after.changed).toBe(false);
    expect(after.decisions).toEqual([]);
    expect(after.actions).toEqual([{ type: 'noop' }]);
  });

  it('holds each step for the whole dwell even when requests arrive early', () => {
    const h = new Harness(makeSpec());
    h.tick();
    runUntil(h, 230 * SECOND, 1000); // 50 canary req/s: 1000 requests after 20 s
    expect(h.status.stepIndex).toBe(0);
    h.step(1000);
    expect(h.status.stepIndex).toBe(1);
    expect(h.now - T0).toBe(240 * SECOND);
  });
});

describe('low traffic', () => {
  it('waits at the step, without advancing, until min_requests are served', () => {
    // windows since the step began: 30 canary requests an interval are too few for the error ceiling alone
    const h = new Harness(makeSpec(), 'step');
    h.tick();
    // 60 req/s → 3 canary req/s → 30 a tick: 1000 only after 340 s (dwell is 240 s, deadline 480 s)
    runUntil(h, 330 * SECOND, 60);
    expect(h.status.stepIndex).toBe(0);
    expect(computePhase(h.spec, h.status)).toBe('progressing');
    expect(h.decisions.filter((d) => d.kind === 'step')).toHaveLength(1);
    const r = h.step(60);
    expect(h.now - T0).toBe(340 * SECOND);
    expect(r.decisions.map((d) => d.kind)).toEqual(['step']);
    expect(r.decisions[0]!.what.requests).toBe(1020);
    expect(h.weight).toBe(25);
    expect(h.status.stepRequestsBase).toBe(1020);
  });

  it('pauses at the deadline when the requests never come', () => {
    const h = new Harness(makeSpec());
    h.tick();
    runUntil(h, 470 * SECOND, 20); // 1 canary req/s
    expect(computePhase(h.spec, h.status)).toBe('progressing');
    const r = h.step(20);
    expect(h.now - T0).toBe(480 * SECOND); // max(2 × 240, 240 + 10 × 10)
    expect(r.phase).toBe('paused');
    expect(r.weight).toBe(5);
    const pause = r.decisions[0]!;
    expect(pause.kind).toBe('pause');
    expect(pause.actor).toBe('controller');
    expect(pause.why[0]).toContain('480/1000 canary requests');
  });
});

describe('a breaching canary', () => {
  it('is halted and rolled back once its error rate is proven above 0.02, with the breach in the receipts', () => {
    const h = new Harness(makeSpec());
    h.tick();
    runUntil(h, 60 * SECOND);
    // 3 of every 50 canary requests fail from here on (6%); the step's sequence must clear 0.02 first
    let r = h.step(RPS, { canary: { errors: 3 } });
    while (r.phase === 'progressing') r = h.step(RPS, { canary: { errors: 3 } });
    expect(r.phase).toBe('rolled_back');
    expect(h.now - T0).toBeLessThan(240 * SECOND); // within the first step's dwell
    expect(r.weight).toBe(0);
    expect(r.actions).toEqual([{ type: 'setWeight', weight: 0 }]);
    expect(r.decisions.map((d) => d.kind)).toEqual(['halt', 'rollback']);
    const [halt, rollback] = r.decisions;
    const breached = halt!.what.breached as {
      name: string;
      value: number;
      threshold: number;
      status: string;
      facts: { lower: number };
    }[];
    // the absolute ceiling (0.02) or the two-sample margin (canary − stable ≤ 0.01), whichever is proven first
    expect(breached.length).toBeGreaterThan(0);
    for (const e of breached) {
      expect(e.name).toMatch(/^error_rate/);
      expect(e.status).toBe('fail');
      expect(e.facts.lower).toBeGreaterThan(e.threshold);
    }
    expect(halt!.why.join(' ')).toContain('error_rate');
    expect(rollback!.what).toMatchObject({ trigger: 'monitor', from: CANDIDATE, to: STABLE, from_weight: 5, breached });
    expect(h.status.haltReason).toContain('error_rate');
    expect(desiredRoute(h.spec, h.status)).toEqual({
      route: 'legal-assistant',
      stable: STABLE,
      canary: null,
      warm: null,
    });

    const later = h.step(RPS);
    expect(later.phase).toBe('rolled_back');
    expect(later.decisions).toEqual([]);
  });

  it('is halted on a quality drop whose difference of means is proven below −quality_drop', () => {
    const h = new Harness(makeSpec());
    h.tick();
    let canaryQ: number[] = [];
    let stableQ: number[] = [];
    let r = h.step(RPS);
    for (let i = 0; r.phase === 'progressing'; i++) {
      canaryQ = scores(30, 0.5, 100 + i);
      stableQ = scores(30, 0.7, 200 + i);
      r = h.step(RPS, { canary: { quality: canaryQ }, stable: { quality: stableQ } });
    }
    expect(r.phase).toBe('rolled_back');
    const halt = r.decisions.find((d) => d.kind === 'halt')!;
    const [q] = halt.what.breached as {
      name: string;
      value: number;
      threshold: number;
      facts: { upper: number; lower: number; canary_mean: number; stable_mean: number };
    }[];
    expect(q!.name).toBe('quality');
    expect(q!.threshold).toBe(-0.05);
    expect(q!.value).toBeCloseTo(q!.facts.canary_mean - q!.facts.stable_mean, 12);
    expect(q!.value).toBeLessThan(-0.15);
    expect(q!.facts.upper).toBeLessThan(-0.05);
  });

  it('halts even while paused, since the canary still takes traffic', () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(RPS, {}, [command(1, 'pause', h.now)]);
    expect(computePhase(h.spec, h.status)).toBe('paused');
    const r = h.step(RPS, { canary: { errors: 10 } });
    expect(r.phase).toBe('rolled_back');
  });
});

describe('inconclusive evidence', () => {
  it('waits, then pauses at the deadline — never fails', () => {
    const h = new Harness(makeSpec());
    h.tick();
    // plenty of requests, but no judged canary answers: quality stays inconclusive
    const few = { canary: { quality: [] } };
    while (h.now < T0 + 470 * SECOND) {
      const r = h.step(RPS, few);
      expect(r.phase).toBe('progressing');
      expect(r.decisions).toEqual([]);
    }
    expect(h.status.lastMonitors!.results.find((m) => m.name === 'quality')!.status).toBe('inconclusive');
    const r = h.step(RPS, few);
    expect(r.phase).toBe('paused');
    expect(r.weight).toBe(5);
    expect(r.decisions.map((d) => d.kind)).toEqual(['pause']);
    expect(r.decisions[0]!.key).toBe(`ro-1/pause/0@${T0}`);
    expect(r.decisions[0]!.why[0]).toMatch(/quality inconclusive/);
    expect(h.status.paused).toMatchObject({ by: 'controller', at: T0 + 480 * SECOND });

    // still paused on good data: an inconclusive pause waits for a person
    h.step(RPS);
    expect(computePhase(h.spec, h.status)).toBe('paused');

    // resume restarts the step's dwell; the requests already served still count
    const resumed = h.step(RPS, {}, [command(1, 'resume', h.now, 'bob', 'judge sampling fixed')]);
    expect(resumed.phase).toBe('progressing');
    expect(resumed.decisions.map((d) => [d.kind, d.actor])).toEqual([['resume', 'bob']]);
    expect(h.status.stepStartedAt).toBe(h.now);
    const resumedAt = h.now;
    runUntil(h, resumedAt - T0 + 240 * SECOND);
    expect(h.status.stepIndex).toBe(1);
    expect(h.decisions.at(-1)!.at).toBe(resumedAt + 240 * SECOND);
  });

  it('judges the 100% step on the canary alone: no stable traffic to compare', () => {
    const h = new Harness(makeSpec({ steps: [100], dwell_seconds: 60, min_requests: 100 }));
    h.tick();
    runUntil(h, 120 * SECOND);
    expect(computePhase(h.spec, h.status)).toBe('promoted');
    expect(h.decisions.at(-1)!.at).toBe(T0 + 60 * SECOND);
  });
});

describe('operator commands', () => {
  function started() {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(RPS);
    return h;
  }

  it('promote goes to 100% at once and swaps the stable pointer', () => {
    const h = started();
    const r = h.step(RPS, {}, [command(1, 'promote', h.now, 'alice', 'hotfix')]);
    expect(r.phase).toBe('promoted');
    expect(r.weight).toBe(100);
    expect(r.actions.map((a) => a.type)).toEqual(['setWeight', 'swapStable']);
    expect(r.actions[0]).toEqual({ type: 'setWeight', weight: 100 });
    expect(r.decisions.map((d) => [d.kind, d.actor, d.why[0]])).toEqual([['promote', 'alice', 'hotfix']]);
    expect(h.decisions.filter((d) => d.kind === 'step')).toHaveLength(1);
  });

  it('pause holds the weight and stops progress; resume continues', () => {
    const h = started();
    const r = h.step(RPS, {}, [command(1, 'pause', h.now)]);
    expect(r.phase).toBe('paused');
    expect(r.weight).toBe(5);
    expect(r.actions).toEqual([{ type: 'noop' }]);
    expect(h.status.paused).toEqual({ by: 'alice', reason: 'pause requested by alice', at: h.now });
    runUntil(h, 1000 * SECOND); // far past dwell and deadline: nothing moves
    expect(computePhase(h.spec, h.status)).toBe('paused');
    expect(h.status.stepIndex).toBe(0);
    h.step(RPS, {}, [command(2, 'resume', h.now)]);
    expect(computePhase(h.spec, h.status)).toBe('progressing');
    expect(h.kinds()).toEqual(['rollout-start', 'step', 'pause', 'resume']);
  });

  it('abort sends the canary to 0% and leaves stable as it was', () => {
    const h = started();
    const r = h.step(RPS, {}, [command(1, 'abort', h.now, 'carol', 'wrong release')]);
    expect(r.phase).toBe('aborted');
    expect(r.weight).toBe(0);
    expect(r.actions).toEqual([{ type: 'setWeight', weight: 0 }]);
    expect(r.decisions.map((d) => [d.kind, d.key, d.what.outcome])).toEqual([['halt', 'ro-1/abort', 'aborted']]);
    expect(h.status.aborted).toEqual({ by: 'carol', reason: 'wrong release', at: h.now });
    expect(desiredRoute(h.spec, h.status).stable).toBe(STABLE);
    expect(h.step(RPS, { canary: { errors: 50 } }).decisions).toEqual([]); // no monitors after the end
  });

  it('rollback while progressing returns traffic to stable', () => {
    const h = started();
    const r = h.step(RPS, {}, [command(1, 'rollback', h.now, 'dave', 'users complain')]);
    expect(r.phase).toBe('rolled_back');
    expect(r.actions).toEqual([{ type: 'setWeight', weight: 0 }]);
    expect(r.decisions[0]).toMatchObject({
      kind: 'rollback',
      actor: 'dave',
      what: { trigger: 'command', after_promotion: false },
    });
    expect(h.status.haltReason).toBe('users complain');
  });

  it('rollback after promotion restores the previous stable', () => {
    const h = started();
    h.step(RPS, {}, [command(1, 'promote', h.now)]);
    const r = h.step(RPS, {}, [command(2, 'rollback', h.now)]);
    expect(r.phase).toBe('rolled_back');
    expect(r.weight).toBe(0);
    expect(r.actions).toEqual([{ type: 'restoreStable', stable: STABLE, from: CANDIDATE }]);
    expect(r.decisions[0]).toMatchObject({ kind: 'rollback', what: { after_promotion: true, from_weight: 100 } });
  });

  it('consumes commands once, in sequence order, and ignores those that do not fit the phase', () => {
    const h = started();
    const r = h.step(RPS, {}, [command(3, 'resume', h.now), command(2, 'pause', h.now), command(2, 'pause', h.now)]);
    expect(r.phase).toBe('progressing'); // pause (2) then resume (3)
    expect(r.decisions.map((d) => [d.kind, d.key])).toEqual([
      ['pause', 'ro-1/command/2'],
      ['resume', 'ro-1/command/3'],
    ]);
    expect(h.status.commandSeq).toBe(3);
    const again = h.step(RPS, {}, [command(2, 'pause', h.now), command(3, 'resume', h.now)]);
    expect(again.decisions).toEqual([]);
    const ignored = h.step(RPS, {}, [command(4, 'resume', h.now)]);
    expect(ignored.decisions).toEqual([]);
    expect(ignored.events.map((e) => [e.kind, e.message])).toEqual([
      ['ignored', 'resume #4 by alice ignored: rollout is progressing'],
    ]);
    expect(h.status.commandSeq).toBe(4);
  });
});

describe('idempotence', () => {
  it('replaying every tick of a whole rollout against its own result changes nothing', () => {
    const h = new Harness(makeSpec());
    let r = h.tick();
    const check = () => {
      const again = reconcile(h.spec, r.status, h.last!);
      expect(again.changed).toBe(false);
      expect(again.status).toEqual(r.status);
      expect(again.decisions).toEqual([]);
      expect(again.actions).toEqual([{ type: 'noop' }]);
    };
    check();
    let seq = 0;
    while (r.phase === 'progressing' || r.phase === 'paused') {
      const commands =
        r.phase === 'paused'
          ? [command(++seq, 'resume', h.now)]
          : h.now === T0 + 100 * SECOND
            ? [command(++seq, 'pause', h.now)]
            : [];
      r = h.step(RPS, {}, commands);
      check();
    }
    expect(r.phase).toBe('promoted');
    const keys = h.decisions.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a tick replayed after a crash before the status write gives the same status and the same receipt keys', () => {
    const h = new Harness(makeSpec());
    h.tick();
    runUntil(h, 230 * SECOND);
    const before = h.status;
    h.step(RPS);
    const obs = h.last!;
    const a = reconcile(h.spec, before, obs);
    const b = reconcile(h.spec, before, obs);
    expect(a.decisions.map((d) => d.key)).toEqual(['ro-1/step/1']);
    expect(b).toEqual(a);
    // and once written, the same observation does not take the step again
    const c = reconcile(h.spec, a.status, obs);
    expect(c.status.stepIndex).toBe(1);
    expect(c.decisions).toEqual([]);
  });

  it('never takes two steps on a replay, even with no dwell and no minimum', () => {
    // enough traffic in one window for every monitor to pass (no judge: quality is not read)
    const spec = makeSpec({ dwell_seconds: 0, min_requests: 0 }, false);
    const windows = windowsAt(T0 + 10 * SECOND, 10 * SECOND, 5, 40_000);
    const s0 = reconcile(spec, initialStatus(spec), { now: T0, canaryRequestsTotal: 0 }).status;
    const obs = { now: T0 + 10 * SECOND, canaryRequestsTotal: 2000, windows };
    const s1 = reconcile(spec, s0, obs);
    expect(s1.status.stepIndex).toBe(1);
    const s2 = reconcile(spec, s1.status, obs);
    expect(s2.status.stepIndex).toBe(1);
    expect(s2.changed).toBe(false);
  });
});

describe('receipt drafts', () => {
  it('become signable in-toto statements about the candidate', () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(RPS, {}, [command(1, 'pause', h.now)]);
    h.step(RPS, {}, [command(2, 'resume', h.now, 'bob', 'checked')]);
    runUntil(h, 300 * SECOND);
    h.step(RPS, { canary: { errors: 40 } });
    expect(h.kinds()).toEqual(['rollout-start', 'step', 'pause', 'resume', 'step', 'halt', 'rollback']);
    for (const d of h.decisions) {
      const statement = decisionToStatement(toDecision(d));
      expect(statement.predicateType).toBe(`https://sluice.dev/decision/${d.kind}/v1`);
      expect(statement.subject[0]!.digest.sha256).toBe(CANDIDATE.slice('sha256:'.length));
      expect(() => statementBytes(statement)).not.toThrow();
      expect(d.why.every((w) => w.length > 0)).toBe(true);
    }
  });
});

describe('phase', () => {
  it('is computed from the stored status only, and survives a JSON round trip', () => {
    const h = new Harness(makeSpec());
    h.tick();
    h.step(RPS, {}, [command(1, 'pause', h.now)]);
    expect('phase' in h.status).toBe(false);
    const stored = JSON.parse(JSON.stringify(h.status)) as typeof h.status;
    expect(computePhase(h.spec, stored)).toBe('paused');
    const r = reconcile(h.spec, stored, { now: h.now, canaryRequestsTotal: h.total });
    expect(r.changed).toBe(false);
  });

  it('rejects a status that belongs to another rollout', () => {
    const spec = makeSpec();
    const other = { ...initialStatus(spec), rolloutId: 'ro-2' };
    expect(() => reconcile(spec, other, { now: T0, canaryRequestsTotal: 0 })).toThrow(/ro-2/);
  });

  it('rejects a request counter that is not a count', () => {
    const spec = makeSpec();
    expect(() => reconcile(spec, initialStatus(spec), { now: T0, canaryRequestsTotal: -1 })).toThrow(RangeError);
  });
});
