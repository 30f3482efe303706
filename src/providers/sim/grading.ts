import { tokenF1 } from '../../judging/squad-normalize.js';
import type { ChatMessage } from '../../release/preprocess.js';
import type { Random } from '../../stats/prng.js';
import { lastUserText, systemText } from '../../kernel/chat.js';
import { normal } from './sim-random.js';

/** A grading request: what Sluice's rubric judge sends (tagged input, reference and candidate output). */
export interface GradingRequest {
  readonly input: string;
  readonly reference: string | undefined;
  readonly candidate: string;
  readonly scale: readonly [number, number];
}

const SCALE = /from\s+(-?\d+(?:\.\d+)?)\s*\(worst\)\s*to\s+(-?\d+(?:\.\d+)?)\s*\(best\)/iu;
const HEDGE = /\b(?:consult|cannot (?:give|provide)|not able to (?:advise|help)|unable to (?:advise|help))\b/iu;
const BAD_DATE =
  /\b(?:(?:(?:jan|mar|may|jul|aug|oct|dec)[a-z]*\.?\s+(?:3[2-9]|[4-9]\d)|(?:apr|jun|sep|nov)[a-z]*\.?\s+3[1-9]|feb[a-z]*\.?\s+(?:3\d|[4-9]\d))(?:st|nd|rd|th)?|0th)\b/iu;
/** The score of an answer with no reference to compare to and nothing wrong with it. */
const UNREFERENCED = 0.75;

function tagged(text: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`, 'u').exec(text);
  return m?.[1];
}

/** Recognizes a rubric-judge prompt; undefined for any other conversation. */
export function gradingRequest(messages: readonly ChatMessage[]): GradingRequest | undefined {
  const user = lastUserText(messages);
  const candidate = tagged(user, 'candidate_output');
  if (candidate === undefined) return undefined;
  const m = SCALE.exec(systemText(messages));
  const scale: [number, number] = m ? [Number(m[1]), Number(m[2])] : [1, 5];
  return { input: tagged(user, 'input') ?? '', reference: tagged(user, 'reference'), candidate, scale };
}

/**
 * A simulated judge's reply, `{"score", "reason"}` on the request's scale:
 * token-F1 against the reference (or a fair score without one), capped for
 * hedges and impossible dates, plus noise that grows as the grading model's
 * quality falls (none at quality 1).
 */
export function grade(g: GradingRequest, quality: number, random: Random): string {
  let s = g.reference === undefined ? UNREFERENCED : tokenF1(g.candidate, g.reference);
  const reasons = [
    g.reference === undefined ? 'no reference to compare with' : `overlap with the reference ${s.toFixed(2)}`,
  ];
  if (HEDGE.test(g.candidate)) {
    s = Math.min(s, 0.15);
    reasons.push('the answer hedges instead of answering');
  }
  if (BAD_DATE.test(g.candidate)) {
    s = Math.min(s, 0.25);
    reasons.push('the answer states an impossible date');
  }
  s = Math.min(1, Math.max(0, s + (1 - quality) * 0.25 * normal(random)));
  const [low, high] = g.scale;
  const score = Math.round((low + s * (high - low)) * 100) / 100;
  return JSON.stringify({ score, reason: `${reasons.join('; ')}.` });
}

/** A pairwise-comparison request: the question and two answers (Sluice's shadow analysis). */
export interface PairwiseRequest {
  readonly input: string;
  readonly a: string;
  readonly b: string;
}

export function pairwiseRequest(messages: readonly ChatMessage[]): PairwiseRequest | undefined {
  const user = lastUserText(messages);
  const a = tagged(user, 'answer_a');
  const b = tagged(user, 'answer_b');
  if (a === undefined || b === undefined) return undefined;
  return { input: tagged(user, 'input') ?? '', a, b };
}

/** How good an answer looks to the simulated judge: overlap with the reference (or fair without one), capped for hedges and impossible dates. */
function merit(answer: string, reference: string | undefined): number {
  let s = reference === undefined ? UNREFERENCED : tokenF1(answer, reference);
  if (HEDGE.test(answer)) s = Math.min(s, 0.15);
  if (BAD_DATE.test(answer)) s = Math.min(s, 0.25);
  return s;
}

/** A simulated judge's pairwise verdict `{"winner": "A"|"B"|"tie"}`: the better-looking answer, a tie within noise. */
export function comparePair(
  p: PairwiseRequest,
  reference: string | undefined,
  quality: number,
  random: Random,
): string {
  const noise = (1 - quality) * 0.1 * normal(random);
  const diff = merit(p.a, reference) - merit(p.b, reference) + noise;
  const winner = Math.abs(diff) < 0.03 ? 'tie' : diff > 0 ? 'A' : 'B';
  return JSON.stringify({
    winner,
    reason: winner === 'tie' ? 'the answers are about as good' : `answer ${winner} is closer to a correct answer`,
  });
}
