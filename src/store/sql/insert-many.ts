import type { SqlDriver, SqlParam } from '../driver.js';

/** Rows per multi-row INSERT: well under both dialects' parameter limits. */
export const BATCH = 100;

/** Multi-row INSERTs in batches; `suffix` is e.g. "ON CONFLICT DO NOTHING". */
export async function insertMany(
  db: SqlDriver,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Promise<void> {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    await db.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')} ${suffix}`,
      chunk.flat() as SqlParam[],
    );
  }
}
