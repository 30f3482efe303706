import { abortedError } from './clock.js';
import { ProviderError } from './model-provider.js';

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

/**
 * One attempt's cancellation: fires when the caller's signal fires or when
 * the attempt goes `timeoutMs` without progress (`touch` restarts the clock,
 * so a stream is bounded per piece rather than in total).
 */
export class AttemptSignal {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly onCallerAbort = (): void => this.controller.abort(this.caller?.reason);

  constructor(
    private readonly caller: AbortSignal | undefined,
    private readonly timeoutMs: number,
    private readonly label: string,
  ) {
    caller?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`timeout after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
  }

  /** Stops the clock until the next `touch`. */
  pause(): void {
    clearTimeout(this.timer);
  }

  /** Stops the clock and drops the link to the caller's signal. */
  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }

  /** Cancels the attempt on purpose (the consumer stopped reading). */
  cancel(): void {
    this.dispose();
    this.controller.abort(new Error('the consumer stopped reading'));
  }

  /** What a thrown error means for this attempt, as a ProviderError. */
  classify(e: unknown): ProviderError {
    if (this.caller?.aborted) return abortedError(this.caller);
    if (this.timedOut) return new ProviderError('timeout', `${this.label}: no answer within ${this.timeoutMs} ms`, undefined, { cause: e });
    if (e instanceof ProviderError) return e;
    const code = errorCode(e);
    const message = e instanceof Error ? e.message : String(e);
    return new ProviderError('connection', `${this.label}: ${code ? `${code}: ` : ''}${message}`, undefined, { cause: e });
  }

  static isTransient(err: ProviderError): boolean {
    return err.kind === 'connection' && TRANSIENT_CODES.has(errorCode(err.cause) ?? '');
  }
}
