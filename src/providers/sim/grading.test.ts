import { describe, expect, it } from 'vitest';
import { impossibleDates } from '../../judging/date-validity-judge.js';
import { findRefusals } from '../../judging/refusal-phrases.js';
import { rubricMessages } from '../../judging/rubric-prompt.js';
import { parseRubricReply } from '../../judging/rubric-reply.js';
import { mulberry32 } from '../../stats/prng.js';
import { HEDGES, IMPOSSIBLE_DATES, withInventedDate } from './answer-text.js';
import { grade, gradingRequest } from './grading.js';
import { SimEngine } from './sim-engine.js';

const reference = 'Only with the licensor’s written consent, given in advance.';

function prompt(output: string, ref: string | null = reference, scale: [number, number] = [1, 5]) {
  return rubricMessages({
    rubric: 'Is the answer correct?',
    scale,
    input: 'May I sublicense?',
    output,
    ...(ref === null ? {} : { reference: ref }),
  });
}

describe('simulated grading', () => {
  it("recognizes the rubric judge's prompt and its scale", () => {
    expect(gradingRequest(prompt('Yes.', reference, [0, 10]))).toEqual({
      input: 'May I sublicense?',
      reference,
      candidate: 'Yes.',
      scale: [0, 10],
    });
    expect(gradingRequest([{ role: 'user', content: 'May I sublicense?' }])).toBeUndefined();
  });

  it('scores by overlap with the reference, on the scale, parseable by the rubric judge', () => {
    const exact = grade(gradingRequest(prompt(reference))!, 1, mulberry32(1));
    expect(parseRubricReply(exact, [1, 5])).toMatchObject({ ok: true, value: { score: 5 } });
    const wrong = grade(gradingRequest(prompt('Never, under any circumstances.'))!, 1, mulberry32(1));
    expect(parseRubricReply(wrong, [1, 5])).toMatchObject({ ok: true, value: { score: 1 } });
    const noRef = grade(gradingRequest(prompt('Yes, with consent.', null))!, 1, mulberry32(1));
    expect(parseRubricReply(noRef, [1, 5])).toMatchObject({ ok: true, value: { score: 4 } });
  });

  it('marks down hedges and impossible dates even without a reference', () => {
    for (const h of HEDGES)
      expect(JSON.parse(grade(gradingRequest(prompt(h, null))!, 1, mulberry32(1))).score).toBeLessThanOrEqual(1.6);
    for (const d of IMPOSSIBLE_DATES) {
      expect(
        JSON.parse(grade(gradingRequest(prompt(`Yes, from ${d}.`, null))!, 1, mulberry32(1))).score,
        d,
      ).toBeLessThanOrEqual(2);
    }
    const dated = withInventedDate('Yes, with consent.', mulberry32(3));
    expect(JSON.parse(grade(gradingRequest(prompt(dated, null))!, 1, mulberry32(1))).score).toBeLessThanOrEqual(2);
    expect(
      JSON.parse(grade(gradingRequest(prompt('Yes, from March 31st or June 30.', null))!, 1, mulberry32(1))).score,
    ).toBe(4);
  });

  it('is noisier for a lower-quality grading model, and the engine answers with a grade', () => {
    const scores = (q: number) =>
      Array.from(
        { length: 50 },
        (_, s) => JSON.parse(grade(gradingRequest(prompt(reference))!, q, mulberry32(s))).score as number,
      );
    expect(new Set(scores(1)).size).toBe(1);
    expect(new Set(scores(0.5)).size).toBeGreaterThan(10);
    const out = new SimEngine({ seed: 1 }).respond({ model: 'judge', messages: prompt(reference), json: true });
    expect(out.kind === 'answer' && parseRubricReply(out.text, [1, 5]).ok).toBe(true);
  });

  it("produces hedges and dates that Sluice's own detectors flag", () => {
    for (const h of HEDGES) expect(findRefusals(h).length).toBeGreaterThan(0);
    for (const d of IMPOSSIBLE_DATES) expect(impossibleDates(`It applies from ${d}.`)).toHaveLength(1);
  });
});

describe('pairwise comparison', () => {
  it('prefers the answer closer to the reference and never a hedge', async () => {
    const { comparePair, pairwiseRequest } = await import('./grading.js');
    const { mulberry32 } = await import('../../stats/prng.js');
    const ref = 'Use the Forgot password link on the sign-in page.';
    const msg = (a: string, b: string) => [
      {
        role: 'user',
        content: `<input>\nq\n</input>\n\n<answer_a>\n${a}\n</answer_a>\n\n<answer_b>\n${b}\n</answer_b>`,
      },
    ];
    const p = pairwiseRequest(msg(ref, 'You should consult a professional.'))!;
    expect(JSON.parse(comparePair(p, ref, 1, mulberry32(1))).winner).toBe('A');
    const q = pairwiseRequest(msg('I am not able to advise on this.', ref))!;
    expect(JSON.parse(comparePair(q, ref, 1, mulberry32(1))).winner).toBe('B');
    expect(JSON.parse(comparePair(pairwiseRequest(msg(ref, ref))!, ref, 1, mulberry32(1))).winner).toBe('tie');
  });
});
