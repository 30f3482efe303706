import type { TraceStore } from '../../store/store.js';
import { toTraceRecord, type RawTrace } from './record.js';

/** Where the trace queue's batches go: redacted, hashed and stored, all or nothing per batch. */
export interface TraceWriter {
  /** Takes a batch; resolves once it is stored or handed to a writer that will store it. */
  write(batch: readonly RawTrace[]): Promise<void>;
  /** Resolves once every batch taken so far is stored (or dropped and counted). */
  flush(): Promise<void>;
  /** Flushes, then frees what the writer holds. */
  close(): Promise<void>;
}

/** What a writer that stores on its own reports: batches it gave up on, and why. */
export interface TraceWriterEvents {
  readonly onDrop: (n: number) => void;
  readonly onError: (e: unknown) => void;
}

/** Writes on the calling thread, through a store the caller owns (and closes). */
export function storeTraceWriter(store: Pick<TraceStore, 'insertTraces'>): TraceWriter {
  return {
    write: (batch) => store.insertTraces(batch.map(toTraceRecord)),
    flush: async () => {},
    close: async () => {},
  };
}
