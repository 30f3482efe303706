import { describe, expect, it } from 'vitest';
import { pearson } from './pearson.js';
import { expectClose } from './test-support/vectors.js';

describe('pearson', () => {
  it('is ±1 on exact lines and invariant to affine rescaling', () => {
    const x = [1, 2, 3, 4, 5];
    expect(pearson(x, [3, 5, 7, 9, 11])).toBe(1);
    expect(pearson(x, [10, 8, 6, 4, 2])).toBe(-1);
    const y = [2, 1, 4, 3, 7];
    expectClose(
      pearson(x, y),
      pearson(
        x.map((v) => 3 * v - 2),
        y.map((v) => 0.5 * v + 9),
      ),
      1e-15,
    );
  });

  it('rejects mismatched lengths, too few pairs and constant samples', () => {
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(RangeError);
    expect(() => pearson([1], [1])).toThrow(RangeError);
    expect(() => pearson([1, 1, 1], [1, 2, 3])).toThrow(RangeError);
  });
});
