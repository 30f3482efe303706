import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { errorMessage, judgeError } from './judge-library.js';
import type { JudgeSet } from './judge-set.js';
import { scoreSubject, type ScoreCache } from './score-cache.js';

/** One answer scored: what the gate, replay, the observer and the shadow report each keep of it. */
export interface AnswerScore {
  /** The quality judge's score in [0, 1]; null without a quality judge or when it failed. */
  readonly score: number | null;
  /** The quality judge's error, null when it scored (or there is none). Never counted as a score. */
  readonly judgeError: string | null;
  /** Per detector that scored the answer: whether it flagged it. A failed detector has no entry. */
  readonly flags: Readonly<Record<string, boolean>>;
}

/**
 * Whether a detector's result flags the answer: its own `flagged` when it
 * says (refusal, date validity), else a score under 0.5 (the pass/fail judges
 * used as detectors: regex, contains, exact, json-schema flag an answer they fail).
 */
export function detectorFlag(r: Extract<JudgeResult, { ok: true }>): boolean {
  return r.flagged ?? r.score < 0.5;
}

/** The judges' results folded into an AnswerScore (pure). */
export function answerScore(
  quality: JudgeResult | null,
  detectors: Iterable<readonly [string, JudgeResult]> = [],
): AnswerScore {
  const flags: Record<string, boolean> = {};
  for (const [name, r] of detectors) if (r.ok) flags[name] = detectorFlag(r);
  return {
    score: quality?.ok ? quality.score : null,
    judgeError: quality && !quality.ok ? quality.message : null,
    flags,
  };
}

/** The judge-error policy: a judge that throws gave a judge error for this answer, never a score. */
export async function judgeSafely(judge: Judge, input: JudgeInput): Promise<JudgeResult> {
  try {
    return await judge.score(input);
  } catch (e) {
    return judgeError(errorMessage(e));
  }
}

/**
 * Scores one answer: the quality judge, then each detector, one after the
 * other. With a cache, a result already stored for the same judge and
 * content is reused and a fresh successful one is handed to it; failures
 * are never cached.
 */
export async function scoreAnswer(
  judges: Pick<JudgeSet, 'judge' | 'detectors'>,
  input: JudgeInput,
  cache?: ScoreCache,
): Promise<AnswerScore> {
  const subject = cache ? scoreSubject(input) : '';
  const run = async (j: Judge): Promise<JudgeResult> => {
    const hit = await cache?.get(j, subject);
    if (hit) return hit;
    const r = await judgeSafely(j, input);
    if (r.ok) cache?.put(j, subject, r);
    return r;
  };
  const quality = judges.judge ? await run(judges.judge) : null;
  const results: (readonly [string, JudgeResult])[] = [];
  for (const d of judges.detectors) results.push([d.name, await run(d)]);
  return answerScore(quality, results);
}
