import type { Judge } from './judge.js';
import { referenceCompareJudge } from './reference-compare.js';
import { tokenF1 } from './squad-normalize.js';

/**
 * Token-level F1 of the output against the item's reference, after SQuAD
 * normalization. An item without a reference is a judge error.
 */
export function referenceJudge(name: string): Judge {
  return referenceCompareJudge(name, 'reference', { metric: 'squad-token-f1' }, (output, reference) => ({
    ok: true,
    score: tokenF1(output, reference),
  }));
}
