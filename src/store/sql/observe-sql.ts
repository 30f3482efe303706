import { z } from 'zod';
import type { ObserveSampleStore } from '../../observe/observe-store.js';
import type { SqlDriver } from '../driver.js';
import { insertMany } from './insert-many.js';
import { parseStored } from './parse-stored.js';

const flagsSchema = z.record(z.string(), z.boolean());

/** The observer's scored samples over any SqlDriver. */
export function observeSql(db: SqlDriver): ObserveSampleStore {
  return {
    async insertObserveSamples(rows) {
      await insertMany(
        db,
        'observe_samples',
        ['id', 'route', 'release_id', 'slice', 'at', 'quality', 'judge_error', 'flags'],
        rows.map((s) => [
          s.id,
          s.route,
          s.releaseId,
          s.slice,
          s.at,
          s.quality,
          s.judgeError ? 1 : 0,
          JSON.stringify(s.flags),
        ]),
        'ON CONFLICT DO NOTHING',
      );
    },
    async observeQualitySums(releaseId, sinceMs) {
      const [r] = await db.query(
        'SELECT COUNT(quality) AS n, SUM(quality) AS s, SUM(quality * quality) AS q FROM observe_samples WHERE release_id = ? AND at >= ?',
        [releaseId, sinceMs],
      );
      return { n: Number(r?.n ?? 0), sum: Number(r?.s ?? 0), sumSq: Number(r?.q ?? 0) };
    },
    async latestObserveSampleAt(releaseId) {
      const [r] = await db.query('SELECT MAX(at) AS at FROM observe_samples WHERE release_id = ?', [releaseId]);
      return r?.at === null || r?.at === undefined ? null : Number(r.at);
    },
    async observeSamples(releaseId, sinceMs, untilMs) {
      const until = untilMs === undefined ? '' : ' AND at < ?';
      const params = untilMs === undefined ? [releaseId, sinceMs] : [releaseId, sinceMs, untilMs];
      const rows = await db.query(
        `SELECT id, route, release_id, slice, at, quality, judge_error, flags FROM observe_samples WHERE release_id = ? AND at >= ?${until} ORDER BY at, id`,
        params,
      );
      return rows.map((r) => ({
        id: String(r.id),
        route: String(r.route),
        releaseId: String(r.release_id),
        slice: String(r.slice),
        at: Number(r.at),
        quality: r.quality === null ? null : Number(r.quality),
        judgeError: Number(r.judge_error) === 1,
        flags: parseStored(flagsSchema, String(r.flags), 'observer sample flags'),
      }));
    },
  };
}
