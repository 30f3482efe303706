import type { GateResult } from '../../gate/core/gate-result.js';
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

/** The evaluation name of a gate verdict (the release overall, and each slice). */
export const GATE_EVALUATION = 'sluice.gate';

/**
 * The `gen_ai.evaluation.result` events of a gate run: one for the release
 * overall (the aggregate score and the verdict as its label, no sluice.slice) and one per
 * judged slice (its score, its verdict, its reasons as the explanation). An
 * overridden gate says so: the label stays what was measured.
 */
export function gateEvaluationEvents(r: GateResult): Attributes[] {
  const base: Record<string, AttributeValue> = {
    'gen_ai.evaluation.name': GATE_EVALUATION,
    'sluice.release': r.release,
    'sluice.gate.digest': r.digest,
  };
  if (r.baseline !== null) base['sluice.baseline'] = r.baseline;
  if (r.override) base['sluice.gate.overridden_by'] = r.override.actor;
  const withScore = (score: number | null): Record<string, AttributeValue> =>
    score === null ? {} : { 'gen_ai.evaluation.score.value': score };
  const out: Attributes[] = [
    {
      ...base,
      ...withScore(r.aggregate.score),
      'gen_ai.evaluation.score.label': r.verdict,
      ...(r.checks.some((c) => !c.ok)
        ? {
            'gen_ai.evaluation.explanation': r.checks
              .filter((c) => !c.ok)
              .map((c) => c.message)
              .join('; '),
          }
        : {}),
    },
  ];
  for (const s of r.slices)
    out.push({
      ...base,
      ...withScore(s.score),
      'gen_ai.evaluation.score.label': s.verdict,
      'sluice.slice': s.slice,
      ...(s.reasons.length ? { 'gen_ai.evaluation.explanation': s.reasons.join('; ') } : {}),
    });
  return out;
}
