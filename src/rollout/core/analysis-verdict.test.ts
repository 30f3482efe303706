import { describe, expect, it } from 'vitest';
import { analysisVerdict, flaggerAnswer, type ObserverReading } from './analysis-verdict.js';
import type { MonitorView } from './status-view.js';

const monitor = (name: MonitorView['name'], status: MonitorView['status']): MonitorView => ({
  name,
  value: 0.01,
  threshold: 0.02,
  status,
  critical: true,
  detail: `${name} ${status}`,
  facts: {},
  interval: [0.005, 0.03],
  evidence: null,
  alpha: 0.05,
  needed: null,
});
const rollout = (phase: 'progressing' | 'paused' | 'promoted' | 'rolled_back', ...monitors: MonitorView[]) => ({
  phase,
  monitors,
  haltReason: phase === 'rolled_back' ? 'monitor breach: error_rate' : null,
});
const observer = (o: Partial<ObserverReading>): ObserverReading => ({
  action: 'none',
  reason: null,
  healthyWindows: 0,
  needed: 3,
  ...o,
});

describe('the analysis verdict', () => {
  it('fails on a rolled-back rollout, a failing monitor, or a drop the observer proved', () => {
    expect(analysisVerdict({ rollout: rollout('rolled_back'), observer: null }).verdict).toBe('fail');
    const failing = analysisVerdict({ rollout: rollout('progressing', monitor('error_rate', 'fail')), observer: null });
    expect(failing.verdict).toBe('fail');
    expect(failing.reasons[0]).toContain('error_rate failed');
    const drop = analysisVerdict({
      rollout: null,
      observer: observer({ action: 'rollback', reason: 'quality 0.52 below reference 0.8 for 3 windows' }),
    });
    expect(drop).toEqual({
      verdict: 'fail',
      reasons: ['the observer proved a sustained quality drop: quality 0.52 below reference 0.8 for 3 windows'],
    });
  });

  it('passes only when every monitor passed, the release was promoted, or the observer saw enough healthy windows', () => {
    expect(
      analysisVerdict({ rollout: rollout('progressing', monitor('error_rate', 'pass')), observer: null }).verdict,
    ).toBe('pass');
    expect(analysisVerdict({ rollout: rollout('promoted'), observer: null }).verdict).toBe('pass');
    expect(analysisVerdict({ rollout: null, observer: observer({ healthyWindows: 3 }) }).verdict).toBe('pass');
  });

  it('is inconclusive on missing or undecided evidence, never pass', () => {
    expect(analysisVerdict({ rollout: rollout('progressing'), observer: null }).verdict).toBe('inconclusive');
    expect(
      analysisVerdict({
        rollout: rollout('paused', monitor('error_rate', 'pass'), monitor('quality', 'inconclusive')),
        observer: null,
      }).verdict,
    ).toBe('inconclusive');
    expect(analysisVerdict({ rollout: null, observer: observer({ healthyWindows: 2 }) }).verdict).toBe('inconclusive');
    expect(
      analysisVerdict({
        rollout: null,
        observer: observer({ healthyWindows: 5, action: 'alert', reason: 'thin windows' }),
      }).verdict,
    ).toBe('inconclusive');
    expect(analysisVerdict({ rollout: null, observer: null }).verdict).toBe('inconclusive');
  });
});

describe("Flagger's webhook answers", () => {
  const pass = { verdict: 'pass' as const, reasons: ['every monitor passed'] };
  const fail = { verdict: 'fail' as const, reasons: ['error_rate failed'] };
  const open = { verdict: 'inconclusive' as const, reasons: ['no monitor reading yet'] };

  it('let a rollout iteration go on unless the verdict is fail', () => {
    expect(flaggerAnswer('rollout', pass, null).status).toBe(200);
    expect(flaggerAnswer('rollout', open, null).status).toBe(200);
    expect(flaggerAnswer('rollout', fail, null)).toMatchObject({ status: 412, proceed: false });
  });

  it('hold the promotion until the verdict is pass', () => {
    expect(flaggerAnswer('confirm-promotion', pass, null).status).toBe(200);
    expect(flaggerAnswer('confirm-promotion', open, null).status).toBe(412);
    expect(flaggerAnswer('confirm-promotion', fail, null).status).toBe(412);
  });

  it('answer a rollback hook 2xx only to roll back (Flagger rolls back on success)', () => {
    expect(flaggerAnswer('rollback', fail, null).status).toBe(200);
    expect(flaggerAnswer('rollback', open, null).status).toBe(409);
    expect(flaggerAnswer('rollback', pass, null).status).toBe(409);
  });

  it('refuse pre-rollout with the reason when the release is not gated', () => {
    expect(flaggerAnswer('pre-rollout', open, null).status).toBe(200);
    expect(flaggerAnswer('pre-rollout', open, 'release abc has no gate result')).toEqual({
      status: 412,
      proceed: false,
      reason: 'release abc has no gate result',
    });
  });
});
