import { jsonDigest } from '../kernel/canonical-json.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { JUDGE_LIBRARY, judgeError } from './judge-library.js';
import { tokenF1 } from './squad-normalize.js';

/**
 * Token-level F1 of the output against the item's reference, after SQuAD
 * normalization. An item without a reference is a judge error.
 */
export function referenceJudge(name: string): Judge {
  return {
    name,
    kind: 'reference',
    digest: jsonDigest({ library: JUDGE_LIBRARY, kind: 'reference', metric: 'squad-token-f1' }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      if (item.reference === undefined) return judgeError('the item has no reference');
      return { ok: true, score: tokenF1(item.output, item.reference) };
    },
  };
}
