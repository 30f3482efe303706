import type { ChatMessage } from '../release/preprocess.js';
import type { ToolCall } from '../kernel/tool-calls.js';

export interface RubricPromptInput {
  readonly rubric: string;
  readonly scale: readonly [number, number];
  readonly input: string;
  readonly output: string;
  readonly reference?: string;
  /** The candidate's tool calls: shown to the judge after its text. */
  readonly toolCalls?: readonly ToolCall[];
}

/**
 * The messages sent to the judge model. The rubric, the input, the reference
 * and the candidate output are passed verbatim, each inside its own tag; the
 * instructions ask for one JSON object on the configured scale. Changing this
 * text changes scores: bump JUDGE_LIBRARY with it.
 */
export function rubricMessages(p: RubricPromptInput): ChatMessage[] {
  const [low, high] = p.scale;
  const system = [
    'You are an impartial evaluator. Grade the candidate output against the rubric.',
    `Use a score from ${low} (worst) to ${high} (best).`,
    'Judge only the candidate output; the input and the reference are context.',
    `Reply with a single JSON object and nothing else: {"score": <number from ${low} to ${high}>, "reason": "<one or two sentences>"}.`,
    '',
    '<rubric>',
    p.rubric,
    '</rubric>',
  ].join('\n');
  const parts = ['<input>', p.input, '</input>'];
  if (p.reference !== undefined) parts.push('', '<reference>', p.reference, '</reference>');
  parts.push('', '<candidate_output>', p.output, '</candidate_output>');
  if (p.toolCalls?.length) {
    const calls = p.toolCalls.map((c) => ({ name: c.function.name, arguments: c.function.arguments }));
    parts.push('', '<candidate_tool_calls>', JSON.stringify(calls, null, 2), '</candidate_tool_calls>');
  }
  return [
    { role: 'system', content: system },
    { role: 'user', content: parts.join('\n') },
  ];
}
