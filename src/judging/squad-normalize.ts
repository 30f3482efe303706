/**
 * SQuAD-style answer normalization (the official evaluation script's
 * normalize_answer): lowercase, drop punctuation, drop the articles a/an/the,
 * collapse whitespace. Punctuation here is any Unicode punctuation or symbol.
 */

const PUNCTUATION = /[\p{P}\p{S}]/gu;
const ARTICLES = /\b(a|an|the)\b/g;

export function normalizeAnswer(text: string): string {
  return text.toLowerCase().replace(PUNCTUATION, '').replace(ARTICLES, ' ').split(/\s+/u).filter(Boolean).join(' ');
}

export function answerTokens(text: string): string[] {
  const n = normalizeAnswer(text);
  return n === '' ? [] : n.split(' ');
}

/**
 * Token-level F1 between a prediction and a reference (SQuAD 2.0 rule: when
 * either has no tokens, 1 if both have none, else 0).
 */
export function tokenF1(prediction: string, reference: string): number {
  const pred = answerTokens(prediction);
  const gold = answerTokens(reference);
  if (pred.length === 0 || gold.length === 0) return pred.length === gold.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of gold) counts.set(t, (counts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      same++;
      counts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / pred.length;
  const recall = same / gold.length;
  return (2 * precision * recall) / (precision + recall);
}
