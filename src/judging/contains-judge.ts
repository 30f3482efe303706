import { jsonDigest } from '../kernel/canonical-json.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { binaryResult, JUDGE_LIBRARY } from './judge-library.js';

const fold = (s: string): string => s.normalize('NFC').toLowerCase();

/**
 * 1 when the output contains any of the values (or, with `all`, every one of
 * them), compared case-insensitively as plain substrings; else 0.
 */
export function containsJudge(name: string, values: readonly string[], all: boolean): Judge {
  const folded = values.map(fold);
  return {
    name,
    kind: 'contains',
    digest: jsonDigest({ library: JUDGE_LIBRARY, kind: 'contains', values: [...values], all }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      const out = fold(item.output);
      const missing = values.filter((_, i) => !out.includes(folded[i]!));
      const pass = all ? missing.length === 0 : missing.length < values.length;
      if (pass) return binaryResult(true);
      const reason = all
        ? `missing ${missing.map((v) => JSON.stringify(v)).join(', ')}`
        : 'contains none of the values';
      return binaryResult(false, reason);
    },
  };
}
