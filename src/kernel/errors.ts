/**
 * Coded errors. The core throws these; each edge (CLI exit code, HTTP status)
 * maps the code once. Expected failures inside pure code are returned as
 * discriminated unions instead and turned into one of these at the boundary.
 */
export type ErrorCode =
  | 'bad_usage' // wrong flags or arguments
  | 'bad_input' // a file, a line, a key that is wrong
  | 'not_found' // an id, a route, a file that does not exist
  | 'ambiguous' // an id prefix that matches more than one release
  | 'refused' // a rule said no (one-change rule, roll preconditions)
  | 'verification_failed' // a signature, a digest, a proof that does not hold
  | 'store_unavailable' // the store cannot be opened or reached
  | 'internal';

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  key?: string;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly location: ErrorLocation | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { detail?: string; location?: ErrorLocation; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.detail = opts.detail;
    this.location = opts.location;
  }
}

/** "file:line:column key" prefix for a message, from whatever parts are known. */
export function formatLocation(loc: ErrorLocation | undefined): string {
  if (!loc) return '';
  let where = loc.file ?? '';
  if (loc.line !== undefined) where += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) where += `:${loc.column}`;
  const key = loc.key ? ` (key ${loc.key})` : '';
  return where || key ? `${where}${key}` : '';
}

export function badInput(message: string, location?: ErrorLocation, detail?: string): SluiceError {
  return new SluiceError('bad_input', message, { location, detail });
}

export function isSluiceError(e: unknown): e is SluiceError {
  return e instanceof SluiceError;
}
