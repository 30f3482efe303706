import { describe, expect, it } from 'vitest';
import { MeasureTable } from './measure-table.js';
import type { ArmMeasure, ItemMeasure } from './measurement.js';

const arm = (score: number | null, extra: Partial<ArmMeasure> = {}): ArmMeasure => ({
  error: null,
  score,
  judgeError: null,
  flags: {},
  latencyMs: 100,
  costUsd: 0.001,
  tokens: 10,
  ...extra,
});
const measure = (
  slice: string,
  candidate: ArmMeasure,
  baseline: ArmMeasure | null = null,
  humanScore?: number,
): ItemMeasure => ({
  item: { id: slice, slice, messages: [], vars: {}, line: 1, ...(humanScore !== undefined ? { humanScore } : {}) },
  candidate,
  baseline,
});

describe('the measure table', () => {
  it('keeps what the verdict reads of each item, nulls and absent flags included', () => {
    const t = MeasureTable.from([
      measure('a', arm(0.5, { flags: { dates: true } }), arm(0.25), 3),
      measure('b/c', arm(null, { error: 'timeout', latencyMs: null, costUsd: 0, tokens: 0 })),
      measure('a', arm(null, { judgeError: 'bad reply', flags: { dates: false, refusal: true } })),
    ]);
    expect(t.length).toBe(3);
    expect([0, 1, 2].map((i) => t.sliceAt(i))).toEqual(['a', 'b/c', 'a']);
    expect(t.slices).toEqual(['a', 'b/c']);
    expect([0, 1, 2].map((i) => t.candidate.scoreAt(i))).toEqual([0.5, null, null]);
    expect([...t.candidate.error]).toEqual([0, 1, 0]);
    expect([...t.candidate.judgeError]).toEqual([0, 0, 1]);
    expect([...t.candidate.timed]).toEqual([1, 0, 1]);
    expect([...t.candidate.flags.get('dates')!]).toEqual([1, -1, 0]);
    expect([...t.candidate.flags.get('refusal')!]).toEqual([-1, -1, 1]);
    expect([...t.hasBaseline]).toEqual([1, 0, 0]);
    expect(t.baseline.scoreAt(0)).toBe(0.25);
    expect(t.human[0]).toBe(3);
    expect(Number.isNaN(t.human[1]!)).toBe(true);
  });

  it('takes items out of order and grows past its first capacity', () => {
    const t = new MeasureTable(2);
    // Item 0 brings a flag column before the table grows: the new rows must read "not scored".
    // The first baseline comes after the growth: its columns are made then.
    for (const i of [0, 4, 3, 1, 2])
      t.set(i, measure(`s${i % 2}`, arm(i / 10, i === 0 ? { flags: { dates: true } } : {}), i === 3 ? arm(0.7) : null));
    expect(t.length).toBe(5);
    expect([0, 1, 2, 3, 4].map((i) => t.candidate.scoreAt(i))).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect([0, 1, 2, 3, 4].map((i) => t.sliceAt(i))).toEqual(['s0', 's1', 's0', 's1', 's0']);
    expect([...t.candidate.flags.get('dates')!].slice(0, 5)).toEqual([1, -1, -1, -1, -1]);
    expect([...t.hasBaseline].slice(0, 5)).toEqual([0, 0, 0, 1, 0]);
    expect(t.baseline.scoreAt(3)).toBe(0.7);
  });
});
