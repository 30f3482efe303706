import type { SqlParam } from '../driver.js';

/** Builds " WHERE a = ? AND b >= ?" from the filters that are set. */
export function where(conditions: readonly [string, SqlParam | undefined][]): { sql: string; params: SqlParam[] } {
  const set = conditions.filter((c): c is [string, SqlParam] => c[1] !== undefined);
  return { sql: set.length ? ` WHERE ${set.map((c) => c[0]).join(' AND ')}` : '', params: set.map((c) => c[1]) };
}
