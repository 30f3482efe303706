import type { TraceRecord, TraceStore } from '../trace-store.js';
import type { RawTrace } from './record.js';

/** What became of a batch: how many traces could not be stored, and the first reason. */
export interface BatchOutcome {
  readonly failed: number;
  readonly reason?: string;
}

export interface TraceBatchTarget {
  /** Inserts rows all or nothing (a transaction, where the store has one). */
  insert(rows: readonly TraceRecord[]): Promise<void>;
  /**
   * Whether the store answers at all. A batch that fails while it does holds a
   * row the store refuses; one that fails while it does not is the store's
   * failure, and the whole batch is worth another try.
   */
  reachable(): Promise<boolean>;
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Stores a batch of traces so that one bad trace fails alone: each trace is
 * turned into its stored form on its own (a trace that cannot be redacted or
 * serialized is left out and counted), the rest go in one insert, and when
 * that insert fails while the store answers, the rows go in one at a time and
 * only those the store refuses are left out. Throws when the store does not
 * answer: the caller retries the whole batch (inserts are idempotent by id).
 */
export async function writeTraceBatch(
  target: TraceBatchTarget,
  batch: readonly RawTrace[],
  toRecord: (t: RawTrace) => TraceRecord,
): Promise<BatchOutcome> {
  const rows: TraceRecord[] = [];
  let failed = 0;
  let reason: string | undefined;
  for (const raw of batch) {
    try {
      rows.push(toRecord(raw));
    } catch (e) {
      failed++;
      reason ??= `trace ${raw.id} could not be prepared: ${reasonOf(e)}`;
    }
  }
  if (rows.length === 0) return { failed, ...(reason ? { reason } : {}) };
  try {
    await target.insert(rows);
  } catch (e) {
    if (!(await target.reachable().catch(() => false))) throw e;
    for (const row of rows) {
      try {
        await target.insert([row]);
      } catch (one) {
        if (!(await target.reachable().catch(() => false))) throw one;
        failed++;
        reason ??= `trace ${row.id} was refused by the store: ${reasonOf(one)}`;
      }
    }
  }
  return { failed, ...(reason ? { reason } : {}) };
}

/** The target for a store that only inserts (a test's, or one without a cheap read): always taken as reachable. */
export function insertOnlyTarget(store: Pick<TraceStore, 'insertTraces'>): TraceBatchTarget {
  return { insert: (rows) => store.insertTraces(rows), reachable: async () => true };
}
