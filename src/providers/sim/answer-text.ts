import type { Random } from '../../stats/prng.js';
import { FILLERS } from './degrade.js';
import { pick } from './sim-random.js';

/** What a hedging model says instead of answering. */
export const HEDGES = [
  'You should consult an attorney about your specific situation before relying on any general information.',
  'I cannot give a definitive answer here. You should consult a qualified professional who can review the details.',
  'This depends on circumstances I cannot assess. Please consult an attorney or another qualified adviser.',
  'It would be best to consult a professional; I am not able to advise on this with confidence.',
] as const;

/** Dates that cannot exist. */
export const IMPOSSIBLE_DATES = [
  'Thursday, March 32nd',
  'February 30th, 2024',
  'April 31st',
  'June 31, 2023',
  'September 31st, 2025',
  'November 31st',
  'the 0th of May',
] as const;

const DATE_SENTENCES = [
  'This took effect on {date}.',
  'The deadline is {date}.',
  'It was last updated on {date}.',
  'The change applies from {date}.',
] as const;

const STOPWORDS = new Set([
  'a',
  'an',
  'the',
  'is',
  'are',
  'do',
  'does',
  'i',
  'my',
  'can',
  'how',
  'what',
  'when',
  'why',
  'to',
  'of',
  'for',
  'in',
  'on',
  'and',
  'or',
  'you',
  'your',
  'it',
  'me',
  'be',
]);

const OPENERS = ['Here is what applies', 'In short', 'Generally speaking', 'To answer your question'] as const;

/** A plain answer of about `words` words for a question the simulator has no reference for. */
export function genericAnswer(question: string, words: number, random: Random): string {
  const topic = (question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOPWORDS.has(w)).slice(0, 5);
  const out: string[] = [`${pick(random, OPENERS)}${topic.length ? ` to ${topic.join(' ')}` : ''}:`];
  let count = out[0]!.split(' ').length;
  while (count < words) {
    const length = Math.min(words - count, 6 + Math.floor(random() * 8));
    const sentence = Array.from({ length }, () => pick(random, FILLERS)).join(' ');
    out.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`);
    count += length;
  }
  return out.join(' ');
}

export function hedge(random: Random): string {
  return pick(random, HEDGES);
}

/** The answer with a sentence carrying an impossible date appended. */
export function withInventedDate(text: string, random: Random): string {
  const sentence = pick(random, DATE_SENTENCES).replace('{date}', pick(random, IMPOSSIBLE_DATES));
  return `${text.trimEnd()} ${sentence}`;
}

/** Answer length in the simulator's tokens: one a word. */
export function countTokens(text: string): number {
  return text.match(/\S+/gu)?.length ?? 0;
}

/** The first `n` tokens (words) of a text, spacing kept. */
export function firstTokens(text: string, n: number): string {
  const pieces = text.match(/\s*\S+/gu) ?? [];
  return pieces.slice(0, n).join('').trimStart();
}
