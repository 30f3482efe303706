import { parseJsonReply } from '../../judging/json-reply.js';
import { err, ok, type Problem, type Result } from '../../kernel/result.js';
import type { ChatMessage } from '../../release/preprocess.js';

/**
 * The pairwise judge: one question, two answers labelled A and B, a rubric,
 * and a reply `{"winner": "A" | "B" | "tie", "reason": "…"}`. Shadow
 * analysis asks it twice per pair, once with the stable answer as A and once
 * with the shadow answer as A, so a judge that favours a position cannot
 * make either release win (see shadow-analysis.ts). Changing this text
 * changes verdicts: bump PAIRWISE_PROMPT_VERSION with it.
 */
export const PAIRWISE_PROMPT_VERSION = 'sluice-pairwise/1';

export interface PairwisePromptInput {
  readonly rubric: string;
  /** The user's input as the model received it. */
  readonly question: string;
  readonly answerA: string;
  readonly answerB: string;
}

/** The messages sent to the judge model; every text passed verbatim inside its own tag. */
export function pairwiseMessages(p: PairwisePromptInput): ChatMessage[] {
  const system = [
    'You are an impartial evaluator. Compare two answers to the same input against the rubric.',
    'Decide which answer is better, or whether they are equally good. The order in which the answers appear says nothing about their quality; neither does their length.',
    'Reply with a single JSON object and nothing else: {"winner": "A" | "B" | "tie", "reason": "<one or two sentences>"}.',
    '',
    '<rubric>',
    p.rubric,
    '</rubric>',
  ].join('\n');
  const user = [
    '<input>',
    p.question,
    '</input>',
    '',
    '<answer_a>',
    p.answerA,
    '</answer_a>',
    '',
    '<answer_b>',
    p.answerB,
    '</answer_b>',
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

export type PairwiseWinner = 'A' | 'B' | 'tie';

export interface PairwiseAnswer {
  readonly winner: PairwiseWinner;
  readonly reason?: string;
}

/** `bad_reply`: the judge model's text is not a pairwise verdict; `judge_error`: the judge model could not be asked. */
export type PairwiseReply = Result<PairwiseAnswer, Problem<'bad_reply' | 'judge_error'>>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads `{"winner": "A" | "B" | "tie"}` (any letter case; a code fence around
 * the object accepted; `reason` optional but a string when present).
 * Anything else is an error result, never a verdict.
 */
export function parsePairwiseReply(text: string): PairwiseReply {
  const parsed = parseJsonReply(text);
  if (!parsed.ok) return err('bad_reply', `unparseable pairwise reply: ${parsed.error.message}`);
  const v = parsed.value;
  if (!isRecord(v)) return err('bad_reply', 'pairwise reply is not a JSON object');
  const raw = v['winner'];
  const w = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  const winner: PairwiseWinner | undefined = w === 'a' ? 'A' : w === 'b' ? 'B' : w === 'tie' ? 'tie' : undefined;
  if (winner === undefined) {
    return err(
      'bad_reply',
      `pairwise reply has no "winner" of "A", "B" or "tie" (got ${JSON.stringify(raw) ?? 'nothing'})`,
    );
  }
  const reason = v['reason'];
  if (reason !== undefined && typeof reason !== 'string')
    return err('bad_reply', 'pairwise reply has a non-string "reason"');
  return ok(reason === undefined ? { winner } : { winner, reason });
}

/** Which answer is shown as A. */
export type PairOrder = 'stable-first' | 'shadow-first';
export type PairSide = 'stable' | 'shadow' | 'tie';

/** The prompt input for a stable/shadow pair in the given order. */
export function orderedPair(
  order: PairOrder,
  p: { readonly rubric: string; readonly question: string; readonly stable: string; readonly shadow: string },
): PairwisePromptInput {
  return order === 'stable-first'
    ? { rubric: p.rubric, question: p.question, answerA: p.stable, answerB: p.shadow }
    : { rubric: p.rubric, question: p.question, answerA: p.shadow, answerB: p.stable };
}

/** The release a verdict in the given order names. */
export function sideOf(winner: PairwiseWinner, order: PairOrder): PairSide {
  if (winner === 'tie') return 'tie';
  const first: PairSide = order === 'stable-first' ? 'stable' : 'shadow';
  const second: PairSide = order === 'stable-first' ? 'shadow' : 'stable';
  return winner === 'A' ? first : second;
}
