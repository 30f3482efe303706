import { describe, expect, it } from 'vitest';
import { hasTies, rankAverage, tieCorrectionTerm, tieGroupSizes } from './ranks.js';

describe('ranks', () => {
  it('averages the ranks of ties', () => {
    expect(rankAverage([10, 20, 10, 30, 20, 20])).toEqual([1.5, 4, 1.5, 6, 4, 4]);
    expect(rankAverage([3, 1, 2])).toEqual([3, 1, 2]);
    expect(rankAverage([])).toEqual([]);
  });

  it('keeps the rank sum n(n + 1)/2 whatever the ties', () => {
    const values = [5, 5, 5, 1, 2, 2, 9, 0, 0, 0, 0];
    const sum = rankAverage(values).reduce((a, b) => a + b, 0);
    expect(sum).toBe((values.length * (values.length + 1)) / 2);
  });

  it('reports tie groups and the tie correction term', () => {
    expect(tieGroupSizes([2, 1, 2, 3, 2, 1])).toEqual([2, 3, 1]);
    expect(tieCorrectionTerm([2, 1, 2, 3, 2, 1])).toBe(2 ** 3 - 2 + (3 ** 3 - 3));
    expect(hasTies([1, 2, 3])).toBe(false);
    expect(hasTies([1, 2, 1])).toBe(true);
  });

  it('rejects non-finite values', () => {
    expect(() => rankAverage([1, Number.NaN])).toThrow(RangeError);
  });
});
