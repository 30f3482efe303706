import { SluiceError } from '../../kernel/errors.js';

/** What a number flag accepts, and how the error names it ("a positive whole number"). */
export interface NumberRule {
  readonly integer?: boolean;
  /** The smallest value allowed; with `above`, values must be greater than it. */
  readonly min?: number;
  readonly above?: boolean;
  readonly max?: number;
  /** Only plain decimal digits ("12", not "1e1" or " 12"). */
  readonly digits?: boolean;
  readonly expected: string;
}

export const POSITIVE: NumberRule = { min: 0, above: true, expected: 'a positive number' };
export const POSITIVE_INT: NumberRule = { integer: true, min: 0, above: true, expected: 'a positive whole number' };
export const COUNT: NumberRule = { integer: true, min: 0, digits: true, expected: 'a non-negative integer' };
export const PORT: NumberRule = { integer: true, min: 0, max: 65535, expected: '0..65535' };

/**
 * The one parser of number flags and arguments: the value, or undefined when
 * the flag was not given; anything else is bad usage (exit 2) naming the flag,
 * what it takes and what it got.
 */
export function numberFlag(flag: string, text: string | undefined, rule: NumberRule): number | undefined {
  if (text === undefined) return undefined;
  const n = text.trim() === '' ? Number.NaN : Number(text);
  const fits =
    Number.isFinite(n) &&
    (!rule.digits || /^\d+$/.test(text)) &&
    (!rule.integer || Number.isInteger(n)) &&
    (rule.min === undefined || (rule.above ? n > rule.min : n >= rule.min)) &&
    (rule.max === undefined || n <= rule.max);
  if (!fits) throw new SluiceError('bad_usage', `${flag} must be ${rule.expected}, not "${text}"`);
  return n;
}
