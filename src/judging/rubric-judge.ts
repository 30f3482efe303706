import { jsonDigest } from '../kernel/canonical-json.js';
import type { Digest } from '../kernel/digest.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import { errorMessage, JUDGE_LIBRARY, judgeError } from './judge-library.js';
import { rubricMessages } from './rubric-prompt.js';
import { linearScore, parseRubricReply } from './rubric-reply.js';

export interface RubricJudgeOptions {
  readonly name: string;
  readonly provider: ModelProvider;
  /** The provider's name in sluice.yaml (part of the digest). */
  readonly providerName: string;
  readonly model: string;
  readonly rubric: string;
  /** Digest of the rubric file's bytes. */
  readonly rubricDigest: Digest;
  /** [low, high] with low < high. */
  readonly scale: readonly [number, number];
}

export function rubricJudgeDigest(o: Omit<RubricJudgeOptions, 'name' | 'provider' | 'rubric'>): Digest {
  return jsonDigest({
    library: JUDGE_LIBRARY,
    kind: 'rubric',
    provider: o.providerName,
    model: o.model,
    rubric: o.rubricDigest,
    scale: [o.scale[0], o.scale[1]],
    temperature: 0,
  });
}

/**
 * An LLM judge: the judge model grades the output against a rubric at
 * temperature 0 in JSON mode. Anything but a well-formed score on the scale
 * (a provider failure, an unparseable reply, a score off the scale) is a
 * judge error, never a score. The raw score maps linearly to [0, 1].
 */
export function rubricJudge(o: RubricJudgeOptions): Judge {
  const scale: readonly [number, number] = [o.scale[0], o.scale[1]];
  if (!(scale[0] < scale[1]))
    throw new RangeError(`rubric scale must be [low, high] with low < high, got [${scale[0]}, ${scale[1]}]`);
  const digest = rubricJudgeDigest(o);
  return {
    name: o.name,
    kind: 'rubric',
    digest,
    scale,
    async score(item: JudgeInput): Promise<JudgeResult> {
      const messages = rubricMessages({
        rubric: o.rubric,
        scale,
        input: item.input,
        output: item.output,
        reference: item.reference,
        ...(item.toolCalls ? { toolCalls: item.toolCalls } : {}),
      });
      let text: string;
      try {
        const reply = await o.provider.chat({
          model: o.model,
          messages,
          params: { temperature: 0 },
          json: true,
          signal: item.signal,
          hints: { slice: item.slice },
        });
        text = reply.text;
      } catch (e) {
        return judgeError(`judge model call failed: ${errorMessage(e)}`);
      }
      const parsed = parseRubricReply(text, scale);
      if (!parsed.ok) return judgeError(parsed.error.message);
      const { score: raw, reason } = parsed.value;
      const score = linearScore(raw, scale);
      return reason === undefined ? { ok: true, score, raw } : { ok: true, score, raw, reason };
    },
  };
}
