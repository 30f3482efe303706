import { SluiceError } from '../../../kernel/errors.js';

/** `offset` and `limit` from a query string: whole numbers, `limit` at most `max` (the API never ships a whole table). */
export function pageOf(
  q: URLSearchParams,
  defaults: { limit: number; max: number },
): { offset: number; limit: number } {
  const num = (name: string, fallback: number): number => {
    const v = q.get(name);
    if (v === null || v === '') return fallback;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new SluiceError('bad_input', `${name} must be a whole number ≥ 0, not ${v}`);
    return n;
  };
  const limit = num('limit', defaults.limit);
  if (limit < 1 || limit > defaults.max)
    throw new SluiceError('bad_input', `limit must be between 1 and ${defaults.max}, not ${limit}`);
  return { offset: num('offset', 0), limit };
}
