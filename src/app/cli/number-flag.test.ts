import { describe, expect, it } from 'vitest';
import { exitCodeFor } from './exit-codes.js';
import { COUNT, numberFlag, PORT, POSITIVE, POSITIVE_INT } from './number-flag.js';

describe('numberFlag', () => {
  it('reads numbers within the rule, and undefined for a flag not given', () => {
    expect(numberFlag('--max-cost', '0.5', POSITIVE)).toBe(0.5);
    expect(numberFlag('--limit', '20', POSITIVE_INT)).toBe(20);
    expect(numberFlag('INDEX', '0', COUNT)).toBe(0);
    expect(numberFlag('--port', '65535', PORT)).toBe(65535);
    expect(numberFlag('--limit', undefined, POSITIVE_INT)).toBeUndefined();
  });

  it('refuses anything else as bad usage (exit 2), naming the flag, the rule and the value', () => {
    for (const [text, rule] of [
      ['0', POSITIVE],
      ['', POSITIVE],
      ['1.5', POSITIVE_INT],
      ['-1', COUNT],
      ['65536', PORT],
      ['ten', PORT],
    ] as const) {
      let thrown: unknown;
      try {
        numberFlag('--x', text, rule);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toMatchObject({ code: 'bad_usage', message: `--x must be ${rule.expected}, not "${text}"` });
      expect(exitCodeFor((thrown as { code: 'bad_usage' }).code)).toBe(2);
    }
  });
});
