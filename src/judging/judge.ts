import type { Digest } from '../kernel/digest.js';
import type { ToolCall } from '../kernel/tool-calls.js';

/** What a judge looks at: the question, the answer, and whatever the suite item adds. */
export interface JudgeInput {
  /** The user's input as the model received it (after preprocessing). */
  readonly input: string;
  readonly output: string;
  readonly reference?: string;
  /** The function calls the answer made, when it made some. */
  readonly toolCalls?: readonly ToolCall[];
  /** The JSON Schema the request asked the answer to follow (response_format json_schema), when it named one. */
  readonly responseSchema?: Readonly<Record<string, unknown>>;
  readonly slice: string;
  readonly signal?: AbortSignal;
}

/**
 * A score in [0, 1] (higher is better) or a judge error. Detectors also say
 * whether they flagged the answer (a refusal, an impossible date); their score is
 * 0 when flagged and 1 otherwise. A judge error is never counted as a score.
 */
export type JudgeResult =
  | {
      readonly ok: true;
      readonly score: number;
      readonly raw?: number;
      readonly flagged?: boolean;
      readonly reason?: string;
    }
  | { readonly ok: false; readonly code: 'judge_error'; readonly message: string };

export interface Judge {
  readonly name: string;
  readonly kind: string;
  /** Covers everything that decides a score (kind, rubric bytes, model, scale…): the cache key for scores. */
  readonly digest: Digest;
  /** The raw scale when the judge has one (rubric), so calibration can map raw → human. */
  readonly scale?: readonly [number, number];
  score(input: JudgeInput): Promise<JudgeResult>;
}
