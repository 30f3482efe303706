import type { Closable } from '../../kernel/close-in-reverse.js';
import type { Finished } from '../http/chat.js';

/**
 * Where a finished request goes, off the response path: metrics, per-interval
 * aggregates, traces, shadow mirroring, the observer's sampler. `offer` must
 * not block or throw for an expected reason; `close` writes what the sink
 * still holds. The gateway closes its sinks in reverse order of creation.
 */
export interface FinishedSink extends Closable {
  offer(f: Finished): void;
}
