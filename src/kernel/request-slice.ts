import { ROOT_SLICE } from './slice-tree.js';

/** Request headers as a server sees them (names in any case). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The header a client names its request's slice in; else the body's `metadata.slice`. */
export const SLICE_HEADER = 'x-sluice-slice';

/** The longest slice name a request may carry. */
export const MAX_SLICE_LENGTH = 128;

/**
 * A slice name as a request may carry it: segments of letters, digits, ".",
 * "_", "+" or "-" (any script), each starting with a letter or digit,
 * separated by "/", at most 8 deep. Anything else
 * (an e-mail address, free text, a token) is not a slice: it would be stored
 * beside the trace, outside the redacted and erasable content.
 */
const SLICE_PATH = /^[\p{L}\p{N}][\p{L}\p{N}._+-]*(?:\/[\p{L}\p{N}][\p{L}\p{N}._+-]*){0,7}$/u;

/** What a valid slice name looks like, for error messages. */
export const SLICE_RULE = `letters, digits, ".", "_", "+" or "-", in up to 8 segments separated by "/", each starting with a letter or digit, at most ${MAX_SLICE_LENGTH} characters`;

/**
 * A slice path as a request names it (trimmed), or undefined when the value
 * is not one: not a string, empty, blank, an empty segment, a character
 * outside the slice alphabet, longer than MAX_SLICE_LENGTH.
 */
export function parseSlice(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s.length > MAX_SLICE_LENGTH) return undefined;
  return s === ROOT_SLICE || SLICE_PATH.test(s) ? s : undefined;
}

/**
 * The x-sluice-slice header checked: undefined when absent, the slice when it
 * is one, else `{invalid}` — the gateway refuses the request (400) rather than
 * keep a value that is not a slice name.
 */
export function headerSlice(header: string | undefined): string | undefined | { readonly invalid: string } {
  if (header === undefined) return undefined;
  return parseSlice(header) ?? { invalid: header };
}

/**
 * The slice a request names: the `x-sluice-slice` header (its value as the
 * server holds it, lower-cased name), else `metadata.slice`; a value that is
 * not a slice path is ignored and the next source tried. Undefined when it
 * names none. The gateway's hot path: no allocation when neither is there.
 */
export function namedSlice(
  header: string | undefined,
  metadata: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  return parseSlice(header) ?? parseSlice(metadata?.slice);
}

function headerValue(headers: RequestHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    const first = Array.isArray(value) ? (value as readonly string[])[0] : (value as string | undefined);
    if (first !== undefined) return first;
  }
  return undefined;
}

/**
 * The slice a request belongs to: the `x-sluice-slice` header (in any letter
 * case), else the body's `metadata.slice`, else `*` (the route as a whole).
 */
export function requestSlice(req: { readonly headers?: RequestHeaders; readonly metadata?: unknown }): string {
  const meta = req.metadata;
  const record =
    typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
  return namedSlice(req.headers ? headerValue(req.headers, SLICE_HEADER) : undefined, record) ?? ROOT_SLICE;
}
