import { jsonDigest, type JsonValue } from '../kernel/canonical-json.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { JUDGE_LIBRARY, judgeError } from './judge-library.js';

/**
 * A judge that scores the output against the item's reference; an item
 * without a reference is a judge error. Its digest covers the judge library,
 * the kind and `settings`, whatever else decides the score.
 */
export function referenceCompareJudge(
  name: string,
  kind: string,
  settings: Readonly<Record<string, JsonValue>>,
  compare: (output: string, reference: string, item: JudgeInput) => JudgeResult | Promise<JudgeResult>,
): Judge {
  return {
    name,
    kind,
    digest: jsonDigest({ library: JUDGE_LIBRARY, kind, ...settings }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      if (item.reference === undefined) return judgeError('the item has no reference');
      return compare(item.output, item.reference, item);
    },
  };
}
