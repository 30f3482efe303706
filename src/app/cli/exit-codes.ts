import type { ErrorCode } from '../../kernel/errors.js';

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
