import { cachedOutputSchema, gateResultSchema, verdictSchema } from '../../gate/gate-record-schema.js';
import type { GateResultRecord, GateStore } from '../../gate/gate-store.js';
import type { JudgeScoreStore, StoredJudgeResult } from '../../judging/judge-score-store.js';
import { parseStoredResult } from '../../judging/score-cache.js';
import type { SqlDriver } from '../driver.js';
import { insertMany } from './insert-many.js';
import { parseStored } from './parse-stored.js';

/** Subjects looked up per query: well under both dialects' parameter limits. */
const SUBJECTS_PER_QUERY = 500;

/** The gate's cached outputs and results over any SqlDriver. Cache writes ignore rows already there. */
export function gateSql(db: SqlDriver): GateStore {
  return {
    async gateOutputs(releaseId, sample) {
      const rows = await db.query<{ item_id: string; output: string }>(
        'SELECT item_id, output FROM gate_outputs WHERE release_id = ? AND sample = ?',
        [releaseId, sample],
      );
      return new Map(rows.map((r) => [r.item_id, parseStored(cachedOutputSchema, r.output, 'gate output')]));
    },
    async putGateOutputs(rows) {
      const now = new Date().toISOString();
      await insertMany(
        db,
        'gate_outputs',
        ['release_id', 'item_id', 'sample', 'output', 'created_at'],
        rows.map((r) => [r.releaseId, r.itemId, r.sample, JSON.stringify(r.output), now]),
        'ON CONFLICT DO NOTHING',
      );
    },
    async insertGateResult(r: GateResultRecord) {
      await db.run(
        'INSERT INTO gate_results (digest, release_id, baseline_id, verdict, overridden, preprocessing_digest, result, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          r.digest,
          r.releaseId,
          r.baselineId,
          r.verdict,
          r.overridden ? 1 : 0,
          r.preprocessingDigest,
          JSON.stringify(r.result),
          r.createdAt,
        ],
      );
    },
    async latestGateResult(releaseId) {
      const rows = await db.query<Record<string, unknown>>(
        'SELECT digest, release_id, baseline_id, verdict, overridden, preprocessing_digest, result, created_at FROM gate_results WHERE release_id = ? ORDER BY seq DESC LIMIT 1',
        [releaseId],
      );
      const r = rows[0];
      if (!r) return undefined;
      return {
        digest: String(r.digest),
        releaseId: String(r.release_id),
        baselineId: (r.baseline_id as string | null) ?? null,
        verdict: verdictSchema.parse(r.verdict),
        overridden: Number(r.overridden) === 1,
        preprocessingDigest: String(r.preprocessing_digest),
        result: parseStored(gateResultSchema, String(r.result), 'gate result'),
        createdAt: String(r.created_at),
      };
    },
  };
}

/** The judge score cache over any SqlDriver: read by subject, never a judge's whole history. */
export function judgeScoreSql(db: SqlDriver): JudgeScoreStore {
  return {
    async judgeScores(judgeDigest, subjects) {
      const found = new Map<string, StoredJudgeResult>();
      const unique = [...new Set(subjects)];
      for (let i = 0; i < unique.length; i += SUBJECTS_PER_QUERY) {
        const chunk = unique.slice(i, i + SUBJECTS_PER_QUERY);
        const rows = await db.query<{ subject: string; result: string }>(
          `SELECT subject, result FROM judge_scores WHERE judge_digest = ? AND subject IN (${chunk.map(() => '?').join(', ')})`,
          [judgeDigest, ...chunk],
        );
        for (const r of rows) {
          // A stored row that does not read back as a result is left out: the subject is judged again.
          const result = parseStoredResult(r.result);
          if (result) found.set(r.subject, result);
        }
      }
      return found;
    },
    async putJudgeScores(judgeDigest, rows) {
      await insertMany(
        db,
        'judge_scores',
        ['judge_digest', 'subject', 'result'],
        rows.map((r) => [judgeDigest, r.subject, JSON.stringify(r.result)]),
        'ON CONFLICT DO NOTHING',
      );
    },
  };
}
