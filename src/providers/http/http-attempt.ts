import type { Dispatcher } from 'undici';

export type ResponseHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** What an attempt's caller learns once the status and headers are in. */
export interface Opened {
  readonly status: number;
  readonly headers: ResponseHeaders;
}

/** How long an attempt may go without progress, and what cancels it. */
export interface AttemptLimits {
  readonly timeoutMs: number;
  /** The most bytes the response body may have; past it the attempt is cut (`tooLarge`). */
  readonly maxResponseBytes?: number;
  /** How long the whole attempt may take, however steadily bytes arrive (a stream's deadline; `pastDeadline`). */
  readonly deadlineMs?: number;
  /** The caller's signal: when it fires the attempt is aborted with its reason. */
  readonly signal?: AbortSignal;
}

/** More chunks than this waiting for the consumer pause the connection (backpressure). */
const HIGH_WATER = 16;

/**
 * One HTTP attempt on an undici dispatcher through its handler API: the
 * response arrives as callbacks (no stream objects, no AbortController), and
 * the attempt is cancelled through undici's dispatch controller.
 *
 * Timing: the clock runs from dispatch to the last byte for a buffered body
 * (`body()`), and only while the consumer waits for the next piece of a
 * streamed one (`chunks()`), so a slow reader never times out the upstream.
 * `timedOut` says the clock, not the upstream or the caller, ended it.
 */
export class HttpAttempt implements Dispatcher.DispatchHandler {
  timedOut = false;
  /** The body grew past `maxResponseBytes`. */
  tooLarge = false;
  /** The attempt ran past `deadlineMs`. */
  pastDeadline = false;
  private received = 0;
  private deadline: NodeJS.Timeout | undefined;
  private controller: Dispatcher.DispatchController | null = null;
  private abortWith: Error | null = null;
  private timer: NodeJS.Timeout | undefined;
  private streaming = false;
  private readonly queue: Buffer[] = [];
  private ended = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  /** Set by body(): called once the body has ended or failed. */
  private settled: (() => void) | null = null;
  private opened!: (o: Opened) => void;
  private failedToOpen!: (e: Error) => void;
  /** Resolves with the status and headers; rejects when the attempt fails before them. */
  readonly headers: Promise<Opened>;
  private readonly onCallerAbort = (): void =>
    this.abort(this.limits.signal?.reason instanceof Error ? this.limits.signal.reason : new Error('aborted'));

  constructor(private readonly limits: AttemptLimits) {
    this.headers = new Promise<Opened>((resolve, reject) => {
      this.opened = resolve;
      this.failedToOpen = reject;
    });
    this.headers.catch(() => {}); // also delivered to whoever reads the body
    limits.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.arm();
    if (limits.deadlineMs !== undefined)
      this.deadline = setTimeout(() => {
        this.pastDeadline = true;
        this.abort(new Error(`the answer did not end within ${limits.deadlineMs} ms`));
      }, limits.deadlineMs);
  }

  /** Ends the attempt (undici then reports `reason` as its error). */
  abort(reason: Error): void {
    if (this.ended || this.failure) return;
    if (this.controller) {
      this.controller.abort(reason); // undici reports it through onResponseError
      return;
    }
    // Not on a connection yet: fail now, and cancel the request once it starts.
    this.abortWith = reason;
    this.fail(reason);
  }

  /** The whole body as text, once it has ended. */
  body(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const settle = (): void => {
        this.dispose();
        if (this.failure) {
          reject(this.failure);
          return;
        }
        const parts = this.queue.splice(0);
        resolve(parts.length === 1 ? parts[0]!.toString('utf8') : Buffer.concat(parts).toString('utf8'));
      };
      if (this.ended || this.failure) settle();
      else this.settled = settle;
    });
  }

  /** The body piece by piece; stopping early cancels the attempt. */
  async *chunks(): AsyncGenerator<Buffer> {
    this.streaming = true;
    this.disarm();
    try {
      for (;;) {
        if (this.queue.length > 0) {
          const c = this.queue.shift()!;
          if (this.queue.length < HIGH_WATER / 2 && this.controller?.paused) this.controller.resume();
          yield c;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        this.arm();
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.disarm();
      }
    } finally {
      if (!this.ended && !this.failure) this.abort(new Error('the consumer stopped reading'));
      this.dispose();
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortWith) controller.abort(this.abortWith);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: ResponseHeaders): void {
    if (status >= 200) this.opened({ status, headers });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.received += chunk.length;
    const max = this.limits.maxResponseBytes;
    if (max !== undefined && this.received > max) {
      this.tooLarge = true;
      this.abort(new Error(`the answer is larger than ${max} bytes`));
      return;
    }
    this.queue.push(chunk);
    if (!this.streaming) return;
    if (this.timer) this.disarm();
    if (this.queue.length >= HIGH_WATER) controller.pause();
    this.poke();
  }

  onResponseEnd(): void {
    this.ended = true;
    this.disarm();
    this.poke();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (!this.failure) this.fail(error);
  }

  /** Stops the clocks and lets go of the caller's signal. */
  dispose(): void {
    this.disarm();
    clearTimeout(this.deadline);
    this.limits.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  private fail(error: Error): void {
    this.failure = error;
    this.disarm();
    this.failedToOpen(error);
    this.poke();
  }

  private poke(): void {
    const wake = this.wake ?? this.settled;
    this.wake = null;
    this.settled = null;
    wake?.();
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timedOut = true;
      this.abort(new Error(`timeout after ${this.limits.timeoutMs} ms`));
    }, this.limits.timeoutMs);
  }

  private disarm(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
