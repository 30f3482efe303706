import type { JudgedAnswer } from '../../observe/evaluation-sink.js';
import type { Attributes, AttributeValue } from './gen-ai-span.js';

export const EVALUATION_EVENT = 'gen_ai.evaluation.result';

/**
 * The `gen_ai.evaluation.result` events of one judged answer: one for the
 * quality judge (its score in [0, 1], or its error) and one per detector
 * ("flagged" or "clean"). Each names the response it judged
 * (gen_ai.response.id) and Sluice's route, release and slice.
 */
export function evaluationEvents(a: JudgedAnswer): Attributes[] {
  const base: Record<string, AttributeValue> = {
    'gen_ai.response.id': a.id,
    'sluice.route': a.route,
    'sluice.release': a.release,
    'sluice.slice': a.slice,
  };
  const out: Attributes[] = [];
  if (a.judge !== undefined) {
    if (a.score.score !== null)
      out.push({ ...base, 'gen_ai.evaluation.name': a.judge, 'gen_ai.evaluation.score.value': a.score.score });
    else if (a.score.judgeError !== null)
      out.push({
        ...base,
        'gen_ai.evaluation.name': a.judge,
        'error.type': 'judge_error',
        'gen_ai.evaluation.explanation': a.score.judgeError,
      });
  }
  for (const [name, flagged] of Object.entries(a.score.flags))
    out.push({
      ...base,
      'gen_ai.evaluation.name': name,
      'gen_ai.evaluation.score.value': flagged ? 1 : 0,
      'gen_ai.evaluation.score.label': flagged ? 'flagged' : 'clean',
    });
  return out;
}
