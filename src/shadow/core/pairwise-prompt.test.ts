import { describe, expect, it } from 'vitest';
import { orderedPair, pairwiseMessages, parsePairwiseReply, sideOf } from './pairwise-prompt.js';

describe('pairwiseMessages', () => {
  it('passes the rubric, the question and both answers verbatim, each in its own tag', () => {
    const [system, user] = pairwiseMessages({
      rubric: 'Prefer the answer that cites the statute.\nPenalise hedging.',
      question: 'Can I sublicense this patent?',
      answerA: 'Yes, under §3 of the licence.',
      answerB: 'You should consult an attorney.',
    });
    expect(system!.role).toBe('system');
    expect(system!.content).toContain(
      '<rubric>\nPrefer the answer that cites the statute.\nPenalise hedging.\n</rubric>',
    );
    expect(system!.content).toContain('{"winner": "A" | "B" | "tie"');
    expect(user!.role).toBe('user');
    expect(user!.content).toBe(
      [
        '<input>',
        'Can I sublicense this patent?',
        '</input>',
        '',
        '<answer_a>',
        'Yes, under §3 of the licence.',
        '</answer_a>',
        '',
        '<answer_b>',
        'You should consult an attorney.',
        '</answer_b>',
      ].join('\n'),
    );
  });

  it('puts the stable or the shadow answer first as asked', () => {
    const pair = { rubric: 'r', question: 'q', stable: 'S', shadow: 'H' };
    expect(orderedPair('stable-first', pair)).toMatchObject({ answerA: 'S', answerB: 'H' });
    expect(orderedPair('shadow-first', pair)).toMatchObject({ answerA: 'H', answerB: 'S' });
  });
});

describe('parsePairwiseReply', () => {
  it('reads the winner and an optional reason', () => {
    expect(parsePairwiseReply('{"winner": "A", "reason": "cites the statute"}')).toEqual({
      ok: true,
      value: { winner: 'A', reason: 'cites the statute' },
    });
    expect(parsePairwiseReply('{"winner":"B"}')).toEqual({ ok: true, value: { winner: 'B' } });
    expect(parsePairwiseReply(' {"winner": "tie"} ')).toEqual({ ok: true, value: { winner: 'tie' } });
    expect(parsePairwiseReply('{"winner": "Tie"}')).toEqual({ ok: true, value: { winner: 'tie' } });
    expect(parsePairwiseReply('{"winner": "a"}')).toEqual({ ok: true, value: { winner: 'A' } });
  });

  it('accepts a reply wrapped in a code fence', () => {
    expect(parsePairwiseReply('```json\n{"winner": "B", "reason": "x"}\n```')).toEqual({
      ok: true,
      value: { winner: 'B', reason: 'x' },
    });
    expect(parsePairwiseReply('```\n{"winner": "A"}\n```')).toEqual({ ok: true, value: { winner: 'A' } });
  });

  it('turns garbage into an error result, never a verdict', () => {
    for (const text of [
      '',
      'A',
      'The winner is A.',
      '{"winner": "C"}',
      '{"winner": 1}',
      '{"verdict": "A"}',
      '["A"]',
      'null',
      '{"winner": "A", "reason": 3}',
      'Sure! {"winner": "A"}',
    ]) {
      const r = parsePairwiseReply(text);
      expect(r.ok, text).toBe(false);
    }
    expect(parsePairwiseReply('{"winner": "C"}')).toEqual({
      ok: false,
      error: { code: 'bad_reply', message: 'pairwise reply has no "winner" of "A", "B" or "tie" (got "C")' },
    });
  });
});

describe('sideOf', () => {
  it('maps A and B back to the release shown in that position', () => {
    expect(sideOf('A', 'stable-first')).toBe('stable');
    expect(sideOf('B', 'stable-first')).toBe('shadow');
    expect(sideOf('A', 'shadow-first')).toBe('shadow');
    expect(sideOf('B', 'shadow-first')).toBe('stable');
    expect(sideOf('tie', 'shadow-first')).toBe('tie');
  });
});
