import { jsonDigest } from '../kernel/canonical-json.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { detectorResult, JUDGE_LIBRARY } from './judge-library.js';
import { findDates, mentionProblem } from './date-scan.js';

/** Every impossible date in the text as `"text": why`. */
export function impossibleDates(text: string): string[] {
  const out: string[] = [];
  for (const d of findDates(text)) {
    const problem = mentionProblem(d);
    if (problem !== null) out.push(`${JSON.stringify(d.text)}: ${problem}`);
  }
  return out;
}

/**
 * Flags answers that state a date that cannot exist ("March 32nd",
 * "February 29, 2025", "2025-13-01") or a weekday that does not match its
 * dated day ("Monday, 5 March 2026"): score 0 when flagged, else 1.
 */
export function dateValidityJudge(name: string): Judge {
  return {
    name,
    kind: 'date-validity',
    digest: jsonDigest({ library: JUDGE_LIBRARY, kind: 'date-validity' }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      const problems = impossibleDates(item.output);
      if (problems.length === 0) return detectorResult(false);
      return detectorResult(true, `impossible date: ${problems.join('; ')}`);
    },
  };
}
