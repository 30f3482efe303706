/**
 * Expected failures in the audit core are returned, not thrown. Each function
 * narrows `code` to the few values it can produce; the boundary (CLI, HTTP)
 * turns a failure into a SluiceError once.
 */
export interface Failure<C extends string = string> {
  ok: false;
  code: C;
  message: string;
}

export function fail<C extends string>(code: C, message: string): Failure<C> {
  return { ok: false, code, message };
}
