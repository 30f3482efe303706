import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../stats/prng.js';
import { mean, tokenF1 } from '../test-support/token-f1.js';
import { degrade, FILLERS } from './degrade.js';

const reference = 'Open Settings, then Billing, and edit the address within 14 days (e-mail us otherwise).';

describe('degrade', () => {
  it('keeps everything at quality 1 and nothing but articles and punctuation at 0', () => {
    expect(degrade(reference, 1, mulberry32(1))).toBe(reference);
    const none = degrade(reference, 0, mulberry32(1));
    expect(tokenF1(none, reference)).toBe(0);
    expect(none).toMatch(/^[A-Z]\w+ \w+, \w+ \w+, \w+ \w+ the \w+ \w+ \w+ \w+ \(\w+ \w+ \w+\)\.$/);
  });

  it('never uses a filler that is in the reference', () => {
    const ref = 'Generally the process is typical.';
    for (let s = 0; s < 20; s++) expect(degrade(ref, 0, mulberry32(s))).not.toMatch(/\b(generally|process)\b/i);
    expect(FILLERS).toContain('generally');
  });

  it('gives token-F1 equal to the share of words kept, about the quality on average', () => {
    const f1 = Array.from({ length: 300 }, (_, s) => tokenF1(degrade(reference, 0.6, mulberry32(s)), reference));
    expect(mean(f1)).toBeGreaterThan(0.55);
    expect(mean(f1)).toBeLessThan(0.65);
  });

  it('keeps a superset of words at a higher quality for the same draws', () => {
    for (let s = 0; s < 30; s++) {
      const low = degrade(reference, 0.3, mulberry32(s)).split(' ');
      const high = degrade(reference, 0.8, mulberry32(s)).split(' ');
      const original = reference.split(' ');
      low.forEach((w, i) => {
        if (w === original[i]) expect(high[i]).toBe(w);
      });
    }
  });
});
