import type { TraceStore } from '../../store/store.js';
import { type RawTrace, type TraceKeeping, toTraceRecord } from './record.js';
import { insertOnlyTarget, writeTraceBatch } from './write-trace-batch.js';

/** Where the trace queue's batches go: redacted, hashed and stored; a trace that cannot be stored fails alone. */
export interface TraceWriter {
  /** Takes a batch; resolves once it is stored or handed to a writer that will store it. */
  write(batch: readonly RawTrace[]): Promise<void>;
  /** Resolves once every batch taken so far is stored (or dropped and counted). */
  flush(): Promise<void>;
  /** Flushes, then frees what the writer holds. */
  close(): Promise<void>;
}

/** What a writer that stores on its own reports: batches it gave up on, traces that failed alone, and why. */
export interface TraceWriterEvents {
  readonly onDrop: (n: number) => void;
  readonly onError: (e: unknown) => void;
  /** Traces left out of an otherwise stored batch (they could not be serialized, or the store refused the row). */
  readonly onFailed?: (n: number) => void;
}

/** Writes on the calling thread, through a store the caller owns (and closes). */
export function storeTraceWriter(
  store: Pick<TraceStore, 'insertTraces'>,
  keeping: TraceKeeping,
  events?: TraceWriterEvents,
): TraceWriter {
  return {
    write: async (batch) => {
      const out = await writeTraceBatch(insertOnlyTarget(store), batch, (t) => toTraceRecord(t, keeping));
      if (out.failed > 0) {
        events?.onFailed?.(out.failed);
        events?.onError(
          new Error(`writing traces: ${out.failed} left out of a batch of ${batch.length}: ${out.reason}`),
        );
      }
    },
    flush: async () => {},
    close: async () => {},
  };
}
