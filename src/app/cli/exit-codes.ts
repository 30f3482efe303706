import type { ErrorCode } from '../../kernel/errors.js';
import type { Result } from '../../kernel/result.js';

/** The one place error codes become exit codes (DESIGN.md: 0 ok, 1 refusal/failure, 2 bad usage or input, 3 review). */
export const EXIT = { ok: 0, failed: 1, badInput: 2, review: 3 } as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'bad_usage':
    case 'bad_input':
    case 'not_found':
    case 'ambiguous':
    case 'store_unavailable':
      return EXIT.badInput;
    case 'refused':
    case 'verification_failed':
    case 'internal':
      return EXIT.failed;
  }
}

/** A verification's verdict (`audit verify`): verified is 0, any failure, whatever its code, is 1. */
export function verdictExitCode(verdict: Result<unknown>): number {
  return verdict.ok ? EXIT.ok : EXIT.failed;
}
