import type { Judge } from './judge.js';
import { binaryResult } from './judge-library.js';
import { referenceCompareJudge } from './reference-compare.js';
import { normalizeAnswer } from './squad-normalize.js';

/**
 * 1 when the output equals the item's reference after SQuAD normalization
 * (case, punctuation, articles, whitespace), else 0. No reference: judge error.
 */
export function exactJudge(name: string): Judge {
  return referenceCompareJudge(name, 'exact', { normalize: 'squad' }, (output, reference) => {
    const same = normalizeAnswer(output) === normalizeAnswer(reference);
    return binaryResult(same, same ? undefined : 'output differs from the reference');
  });
}
