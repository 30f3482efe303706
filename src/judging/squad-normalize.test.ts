import { describe, expect, it } from 'vitest';
import { answerTokens, normalizeAnswer, tokenF1 } from './squad-normalize.js';

describe('SQuAD normalization', () => {
  it('lowercases and drops punctuation, articles and extra whitespace', () => {
    expect(normalizeAnswer('  The Cat, sat on  a MAT! ')).toBe('cat sat on mat');
    expect(normalizeAnswer("Don't — stop.")).toBe('dont stop');
    expect(answerTokens('An apple')).toEqual(['apple']);
    expect(answerTokens('...')).toEqual([]);
  });
});

describe('token F1', () => {
  it.each([
    ['the cat sat', 'The cat sat.', 1],
    ['cat sat on the mat', 'the cat sat', (2 * ((2 / 4) * (2 / 2))) / (2 / 4 + 2 / 2)],
    ['a dog', 'the cat', 0],
    ['cat cat cat', 'cat', (2 * ((1 / 3) * 1)) / (1 / 3 + 1)],
    ['', '', 1],
    ['the', 'a', 1],
    ['cat', '', 0],
  ])('F1(%j, %j) = %d', (pred, gold, f1) => {
    expect(tokenF1(pred, gold)).toBeCloseTo(f1, 12);
  });
});
