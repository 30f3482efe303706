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

/**
 * The running adjustment both corrections share: the p-values visited in
 * order (ascending or descending, ties by index), each becoming `step` of
 * the previous result and its own value, starting from `start`.
 */
function stepwise(
  p: readonly number[],
  ascending: boolean,
  start: number,
  step: (running: number, value: number, k: number, m: number) => number,
): number[] {
  checkP(p);
  const m = p.length;
  const out = new Array<number>(m).fill(0);
  let running = start;
  orderBy(p, ascending).forEach((idx, k) => {
    running = step(running, p[idx]!, k, m);
    out[idx] = running;
  });
  return out;
}

/** Holm: the k-th smallest becomes max over j ≤ k of min(1, (m − j + 1)·p₍ⱼ₎). */
export function holm(p: readonly number[]): number[] {
  return stepwise(p, true, 0, (running, v, k, m) => Math.max(running, Math.min(1, (m - k) * v)));
}

/** Benjamini–Hochberg: the k-th smallest becomes min over j ≥ k of min(1, m·p₍ⱼ₎/j). */
export function benjaminiHochberg(p: readonly number[]): number[] {
  // Visited in descending order, so the k-th visited has 1-based rank m − k in ascending order.
  return stepwise(p, false, 1, (running, v, k, m) => Math.min(running, Math.min(1, (m * v) / (m - k))));
}

export type Multiplicity = 'holm' | 'bh' | 'none';

/** p-values adjusted by the named method ("none" returns them as they are). */
export function adjustP(p: readonly number[], method: Multiplicity): number[] {
  if (method === 'holm') return holm(p);
  if (method === 'bh') return benjaminiHochberg(p);
  checkP(p);
  return [...p];
}
