import { describe, expect, it } from 'vitest';
import { dateValidityJudge } from './date-validity-judge.js';

describe('date-validity judge', () => {
  const judge = dateValidityJudge('dates');

  it('scores 0, flags and quotes the offending text', async () => {
    const r = await judge.score({ input: 'when?', output: 'It closes on Thursday March 32nd.', slice: 's' });
    expect(r).toMatchObject({ ok: true, score: 0, flagged: true });
    expect(r.ok && r.reason).toContain('Thursday March 32nd');
    expect(r.ok && r.reason).toContain('March has 31 days');
  });

  it('explains a wrong weekday and a non-leap year', async () => {
    const r = await judge.score({ input: '', output: 'Monday, 5 March 2026 or February 29, 2025', slice: 's' });
    expect(r.ok && r.reason).toContain('5 March 2026 is a Thursday, not a Monday');
    expect(r.ok && r.reason).toContain('2025 is not a leap year');
  });

  it('scores 1 when every date exists', async () => {
    const r = await judge.score({ input: '', output: 'Signed on February 29, 2024; renews 2025-03-01.', slice: 's' });
    expect(r).toEqual({ ok: true, score: 1, flagged: false });
  });
});
