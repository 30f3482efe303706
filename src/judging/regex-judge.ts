import { jsonDigest } from '../kernel/canonical-json.js';
import { err, ok, type Problem, type Result } from '../kernel/result.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { binaryResult, JUDGE_LIBRARY } from './judge-library.js';

export type RegexCompileResult = Result<RegExp, Problem<'bad_regex'>>;

export function compileRegex(pattern: string, flags = ''): RegexCompileResult {
  try {
    return ok(new RegExp(pattern, flags));
  } catch (e) {
    return err('bad_regex', e instanceof Error ? e.message : String(e));
  }
}

/**
 * 1 when the output matches the regular expression (see compileRegex), else 0.
 * The flags are JavaScript's; matching always starts at the beginning of the
 * output, so `g` makes no difference and `y` anchors the match there.
 */
export function regexJudge(name: string, regex: RegExp): Judge {
  return {
    name,
    kind: 'regex',
    digest: jsonDigest({ library: JUDGE_LIBRARY, kind: 'regex', pattern: regex.source, flags: regex.flags }),
    async score(item: JudgeInput): Promise<JudgeResult> {
      regex.lastIndex = 0;
      const matched = regex.test(item.output);
      return binaryResult(matched, matched ? undefined : `output does not match ${regex.toString()}`);
    },
  };
}
