/** SQuAD token-F1 (lowercase, no punctuation, no articles), kept here so tests do not lean on another folder. */
function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/u)
    .filter(Boolean);
}

export function tokenF1(prediction: string, reference: string): number {
  const pred = tokens(prediction);
  const gold = tokens(reference);
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
  const p = same / pred.length;
  const r = same / gold.length;
  return (2 * p * r) / (p + r);
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
