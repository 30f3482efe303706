import type { TraceStore } from '../store/store.js';
import { toTraceRecord, type RawTrace } from './record.js';

/** Where the trace queue's batches go: redacted, hashed and stored, all or nothing per batch. */
export interface TraceWriter {
  write(batch: readonly RawTrace[]): Promise<void>;
  /** Called once every batch has been written; frees what the writer holds. */
  close(): Promise<void>;
}

/** Writes on the calling thread, through a store the caller owns (and closes). */
export function storeTraceWriter(store: Pick<TraceStore, 'insertTraces'>): TraceWriter {
  return {
    write: (batch) => store.insertTraces(batch.map(toTraceRecord)),
    close: async () => {},
  };
}
