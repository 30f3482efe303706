import { abortedError } from '../../kernel/clock.js';
import { ProviderError } from '../model-provider.js';

/** Error codes of a connection that failed or dropped: worth another try. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
  const causeCode = (e as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof causeCode === 'string' ? causeCode : typeof code === 'string' ? code : undefined;
}

export interface AttemptEnd {
  readonly label: string;
  readonly timeoutMs: number;
  /** The caller's signal: fired means the caller cancelled. */
  readonly signal?: AbortSignal;
  /** The attempt's own clock ran out. */
  readonly timedOut: boolean;
  /** The body grew past the provider's max_response_bytes. */
  readonly tooLarge?: boolean;
  /** The attempt ran past the provider's stream deadline. */
  readonly pastDeadline?: boolean;
  readonly maxResponseBytes?: number;
  readonly deadlineMs?: number;
}

/** What a thrown error means for one attempt, as a ProviderError: cancelled, timed out, or a connection failure. */
export function attemptFailure(e: unknown, end: AttemptEnd): ProviderError {
  if (end.signal?.aborted) return abortedError(end.signal);
  if (end.timedOut)
    return new ProviderError('timeout', `${end.label}: no answer within ${end.timeoutMs} ms`, undefined, { cause: e });
  if (end.pastDeadline)
    return new ProviderError(
      'timeout',
      `${end.label}: the answer did not end within its ${end.deadlineMs} ms deadline`,
      undefined,
      {
        cause: e,
      },
    );
  if (end.tooLarge)
    return new ProviderError(
      'too_large',
      `${end.label}: the answer is larger than ${end.maxResponseBytes} bytes`,
      undefined,
      {
        cause: e,
      },
    );
  if (e instanceof ProviderError) return e;
  const code = errorCode(e);
  const message = e instanceof Error ? e.message : String(e);
  return new ProviderError('connection', `${end.label}: ${code ? `${code}: ` : ''}${message}`, undefined, { cause: e });
}

/** A dropped or refused connection: worth another try. */
export function isTransient(err: ProviderError): boolean {
  return err.kind === 'connection' && TRANSIENT_CODES.has(errorCode(err.cause) ?? '');
}
