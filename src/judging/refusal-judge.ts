import { jsonDigest } from '../kernel/canonical-json.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { detectorResult, JUDGE_LIBRARY } from './judge-library.js';
import { findRefusals, REFUSAL_PHRASES } from './refusal-phrases.js';

/** Flags refusals and hedges (see refusal-phrases.ts): score 0 when flagged, else 1. */
export function refusalJudge(name: string): Judge {
  return {
    name,
    kind: 'refusal',
    digest: jsonDigest({
      library: JUDGE_LIBRARY,
      kind: 'refusal',
      phrases: REFUSAL_PHRASES.map((p) => p.pattern.source),
    }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      const found = findRefusals(item.output);
      if (found.length === 0) return detectorResult(false);
      return detectorResult(true, `refusal or hedge: ${found.map((f) => JSON.stringify(f.text)).join(', ')}`);
    },
  };
}
