import type { SqlDriver } from '../driver.js';
import { ERASED_PREFIX, erasedContent } from '../erased-content.js';
import { where } from './sql-where.js';

/** A condition on a content column: not yet an erasure marker. */
export const NOT_ERASED = `NOT LIKE '${ERASED_PREFIX}%'`;

/** Rows erased per transaction: bounded memory, and writers are not held up for long. */
const ERASE_BATCH = 500;

/**
 * Replaces the content columns of the matching rows with erasure markers, a
 * batch per transaction until none is left (an interrupted run is completed by
 * running it again). Returns how many rows were erased.
 */
export async function eraseContent(
  db: SqlDriver,
  table: 'traces' | 'shadow_pairs',
  columns: readonly string[],
  filter: { stickyHash?: string; before?: string },
): Promise<number> {
  if (filter.stickyHash === undefined && filter.before === undefined)
    throw new RangeError('erasing content needs a sticky hash, a time, or both');
  const w = where([
    ['sticky_hash = ?', filter.stickyHash],
    ['created_at < ?', filter.before],
  ]);
  const select = `SELECT id, ${columns.join(', ')} FROM ${table}${w.sql} AND ${columns[0]} ${NOT_ERASED} ORDER BY id LIMIT ${ERASE_BATCH}`;
  const update = `UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await tx.query(select, w.params);
      for (const r of rows) await tx.run(update, [...columns.map((c) => erasedContent(String(r[c]))), String(r.id)]);
      return rows.length;
    });
    total += n;
    if (n < ERASE_BATCH) return total;
  }
}
