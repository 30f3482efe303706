import { z } from 'zod';
import { SluiceError } from '../../kernel/errors.js';

/** Parses a stored JSON column into its typed value once, at the store boundary; a row that does not fit is an internal error. */
export function parseStored<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SluiceError('internal', `the stored ${what} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new SluiceError('internal', `the stored ${what} does not have the expected shape`, {
      detail: z.prettifyError(parsed.error),
    });
  return parsed.data;
}
