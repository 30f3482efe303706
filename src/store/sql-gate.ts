import type { SqlDriver } from './driver.js';
import { insertMany } from './insert-many.js';
import type { GateResultRecord, GateStore } from './store.js';

/** The gate's tables over any SqlDriver. Cache writes ignore rows already there. */
export function sqlGateStore(db: SqlDriver): GateStore {
  return {
    async gateOutputs(releaseId, sample) {
      const rows = await db.query<{ item_id: string; output: string }>(
        'SELECT item_id, output FROM gate_outputs WHERE release_id = ? AND sample = ?',
        [releaseId, sample],
      );
      return new Map(rows.map((r) => [r.item_id, r.output]));
    },
    async putGateOutputs(rows) {
      const now = new Date().toISOString();
      await insertMany(
        db,
        'gate_outputs',
        ['release_id', 'item_id', 'sample', 'output', 'created_at'],
        rows.map((r) => [r.releaseId, r.itemId, r.sample, r.output, now]),
        'ON CONFLICT DO NOTHING',
      );
    },
    async judgeScores(judgeDigest) {
      const rows = await db.query<{ subject: string; result: string }>(
        'SELECT subject, result FROM judge_scores WHERE judge_digest = ?',
        [judgeDigest],
      );
      return new Map(rows.map((r) => [r.subject, r.result]));
    },
    async putJudgeScores(judgeDigest, rows) {
      await insertMany(
        db,
        'judge_scores',
        ['judge_digest', 'subject', 'result'],
        rows.map((r) => [judgeDigest, r.subject, r.result]),
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
          r.result,
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
        verdict: String(r.verdict),
        overridden: Number(r.overridden) === 1,
        preprocessingDigest: String(r.preprocessing_digest),
        result: String(r.result),
        createdAt: String(r.created_at),
      };
    },
  };
}
