import { describe, expect, it } from 'vitest';
import { judgeSchema } from '../config/sluice-schema.js';
import { humanScale } from './gate-judges.js';

describe('the scale human scores are read on', () => {
  it("is the judge's human_scale, else its own scale, else [0, 1]", () => {
    const rubric = { kind: 'rubric', provider: 'p', model: 'm', rubric: 'r.md' };
    expect(humanScale(judgeSchema.parse(rubric))).toEqual([1, 5]);
    expect(humanScale(judgeSchema.parse({ ...rubric, scale: [0, 10] }))).toEqual([0, 10]);
    expect(humanScale(judgeSchema.parse({ ...rubric, human_scale: [1, 7] }))).toEqual([1, 7]);
    expect(humanScale(judgeSchema.parse({ kind: 'reference' }))).toEqual([0, 1]);
    expect(humanScale(judgeSchema.parse({ kind: 'reference', human_scale: [1, 5] }))).toEqual([1, 5]);
  });

  it('refuses a scale whose low end is not under its high end', () => {
    expect(judgeSchema.safeParse({ kind: 'reference', human_scale: [5, 1] }).success).toBe(false);
  });
});
