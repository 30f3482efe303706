/**
 * Multiple-comparison adjustment of p-values, returned in the input order:
 * Holm's step-down family-wise correction and Benjamini–Hochberg's
 * false-discovery-rate step-up correction (R's p.adjust "holm" and "BH").
 */

function checkP(p: readonly number[]): void {
  if (!Array.isArray(p)) throw new RangeError('p must be an array of numbers');
  p.forEach((v, i) => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      throw new RangeError(`p[${i}] must be in [0, 1], got ${String(v)}`);
  });
}

function orderBy(p: readonly number[], ascending: boolean): number[] {
  return p.map((_, i) => i).sort((i, j) => (ascending ? p[i]! - p[j]! : p[j]! - p[i]!) || i - j);
}

/** Holm: the k-th smallest becomes max over j ≤ k of min(1, (m − j + 1)·p₍ⱼ₎). */
export function holm(p: readonly number[]): number[] {
  checkP(p);
  const m = p.length;
  const out = new Array<number>(m).fill(0);
  let running = 0;
  orderBy(p, true).forEach((idx, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p[idx]!));
    out[idx] = running;
  });
  return out;
}

/** Benjamini–Hochberg: the k-th smallest becomes min over j ≥ k of min(1, m·p₍ⱼ₎/j). */
export function benjaminiHochberg(p: readonly number[]): number[] {
  checkP(p);
  const m = p.length;
  const out = new Array<number>(m).fill(0);
  let running = 1;
  orderBy(p, false).forEach((idx, k) => {
    const rank = m - k; // 1-based rank in ascending order
    running = Math.min(running, Math.min(1, (m * p[idx]!) / rank));
    out[idx] = running;
  });
  return out;
}
