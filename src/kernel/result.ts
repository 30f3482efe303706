/**
 * The one result type for expected failures: returned, never thrown. A
 * failure carries a code (narrowed by each function to the few values it can
 * produce) and a message; each edge maps codes once (CLI exit codes in
 * app/cli/exit-codes.ts, HTTP in gateway/http/errors.ts and app/api/http-status.ts).
 * Shaped like zod's safeParse: check `ok`, then read `value` or `error`.
 */
export interface Problem<C extends string = string> {
  readonly code: C;
  readonly message: string;
}

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

/** A failure: its problem may carry more than code and message (ServeProblem names the provider's failure kind). */
export interface Err<E extends Problem = Problem> {
  readonly ok: false;
  readonly error: E;
}

export type Result<T, E extends Problem = Problem> = Ok<T> | Err<E>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<C extends string>(code: C, message: string): Err<Problem<C>> {
  return { ok: false, error: { code, message } };
}

/** A failure from a problem built elsewhere (with fields beyond code and message). */
export function errOf<E extends Problem>(error: E): Err<E> {
  return { ok: false, error };
}
