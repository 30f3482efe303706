import { jsonDigest } from '../kernel/canonical-json.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { binaryResult, JUDGE_LIBRARY, judgeError } from './judge-library.js';
import { normalizeAnswer } from './squad-normalize.js';

/**
 * 1 when the output equals the item's reference after SQuAD normalization
 * (case, punctuation, articles, whitespace), else 0. No reference: judge error.
 */
export function exactJudge(name: string): Judge {
  return {
    name,
    kind: 'exact',
    digest: jsonDigest({ library: JUDGE_LIBRARY, kind: 'exact', normalize: 'squad' }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      if (item.reference === undefined) return judgeError('the item has no reference');
      const same = normalizeAnswer(item.output) === normalizeAnswer(item.reference);
      return binaryResult(same, same ? undefined : 'output differs from the reference');
    },
  };
}
