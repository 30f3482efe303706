import { err, ok, type Problem, type Result } from '../kernel/result.js';
import { parseJsonReply } from './json-reply.js';

export type RubricReply = Result<{ score: number; reason?: string }, Problem<'bad_reply'>>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the judge model's `{"score": number, "reason": string}` (a code fence
 * around it is accepted). The score must be a JSON number within the scale,
 * ends included; `reason` is optional but must be a string when present.
 */
export function parseRubricReply(text: string, scale: readonly [number, number]): RubricReply {
  const parsed = parseJsonReply(text);
  if (!parsed.ok) return err('bad_reply', `unparseable judge reply: ${parsed.error.message}`);
  const v = parsed.value;
  if (!isRecord(v)) return err('bad_reply', 'judge reply is not a JSON object');
  const score = v['score'];
  if (typeof score !== 'number' || !Number.isFinite(score)) {
    return err('bad_reply', `judge reply has no numeric "score" (got ${JSON.stringify(score) ?? 'nothing'})`);
  }
  const [low, high] = scale;
  if (score < low || score > high) return err('bad_reply', `judge score ${score} is off the scale [${low}, ${high}]`);
  const reason = v['reason'];
  if (reason !== undefined && typeof reason !== 'string')
    return err('bad_reply', 'judge reply has a non-string "reason"');
  return ok(reason === undefined ? { score } : { score, reason });
}

/** Maps a raw score linearly from the scale to [0, 1]. */
export function linearScore(raw: number, scale: readonly [number, number]): number {
  const [low, high] = scale;
  return (raw - low) / (high - low);
}
