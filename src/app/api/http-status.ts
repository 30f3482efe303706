import type { ErrorCode } from '../../kernel/errors.js';

/** The one place error codes become HTTP statuses on the control API. */
export function httpStatusFor(code: ErrorCode | 'unauthorized' | 'forbidden' | 'unsupported_media_type'): number {
  switch (code) {
    case 'bad_usage':
    case 'bad_input':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'unsupported_media_type':
      return 415;
    case 'ambiguous':
    case 'refused':
      return 409;
    case 'store_unavailable':
      return 503;
    case 'verification_failed':
    case 'internal':
      return 500;
  }
}
