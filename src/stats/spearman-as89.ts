/**
 * The two-sided p-value of R's cor.test(x, y, method = "spearman") with its
 * defaults, for agreement with analyses done in R. The statistic is R's
 * S = (n³ − n)(1 − ρ)/6, which is Σ (rank xᵢ − rank yᵢ)² without ties.
 * Without ties and for n ≤ 1290, R uses algorithm AS 89 (Best and Roberts,
 * Applied Statistics 24(3), 1975): the exact permutation distribution for
 * n ≤ 9 and an Edgeworth series expansion above; with ties or larger n it
 * uses the t approximation, which is spearman()'s p.
 */
import { normalCdf, normalSf } from './normal.js';
import { hasTies } from './ranks.js';
import { spearman } from './spearman.js';

export interface SpearmanAs89Result {
  /** S = (n³ − n)(1 − ρ)/6. */
  s: number;
  p: number;
  method: 'exact' | 'edgeworth' | 't';
}

const EXACT_MAX_N = 9;
const AS89_MAX_N = 1290;

/** Edgeworth series coefficients of AS 89. */
const E = [0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4] as const;

const exactCounts = new Map<number, Map<number, number>>();

/** Number of permutations π of 1..n with each value of Σ (i − π(i))², by enumeration (n ≤ 9). */
function permutationCounts(n: number): Map<number, number> {
  const cached = exactCounts.get(n);
  if (cached) return cached;
  const counts = new Map<number, number>();
  const perm = Array.from({ length: n }, (_, i) => i);
  const record = (): void => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (i - perm[i]!) * (i - perm[i]!);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  };
  // Heap's algorithm, iterative.
  const c = new Array<number>(n).fill(0);
  record();
  let i = 0;
  while (i < n) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      const tmp = perm[j]!;
      perm[j] = perm[i]!;
      perm[i] = tmp;
      record();
      c[i]! += 1;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
  exactCounts.set(n, counts);
  return counts;
}

/**
 * AS 89: P(S ≥ is) when upper, else P(S < is), for n ≥ 2.
 */
export function as89(n: number, is: number, upper: boolean): number {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`as89: n must be an integer ≥ 2, got ${n}`);
  if (is <= 0) return upper ? 1 : 0;
  const maxS = (n * (n * n - 1)) / 3;
  if (is > maxS) return upper ? 0 : 1;
  if (n <= EXACT_MAX_N) {
    let total = 0;
    let atLeast = 0;
    for (const [s, count] of permutationCounts(n)) {
      total += count;
      if (s >= is) atLeast += count;
    }
    return (upper ? atLeast : total - atLeast) / total;
  }
  const [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12] = E;
  const b = 1 / n;
  // Standardized so that x ~ N(0, 1) under independence; large S (negative ρ) gives large x.
  const x = ((6 * (is - 1) * b) / (n * n - 1) - 1) * Math.sqrt(n - 1);
  const y = x * x;
  const u =
    x *
    b *
    (c1 +
      b * (c2 + c3 * b) +
      y * (-c4 + b * (c5 + c6 * b) - y * b * (c7 + c8 * b - y * (c9 - c10 * b + y * b * (c11 - c12 * y)))));
  const correction = u / Math.exp(y / 2);
  const p = upper ? correction + normalSf(x) : -correction + normalCdf(x);
  return Math.min(1, Math.max(0, p));
}

/** Needs n ≥ 3 pairs and neither sample constant. */
export function spearmanAs89(x: readonly number[], y: readonly number[]): SpearmanAs89Result {
  const base = spearman(x, y); // validates
  const n = base.n;
  const s = ((n * n * n - n) * (1 - base.rho)) / 6;
  if (hasTies(x) || hasTies(y) || n > AS89_MAX_N) return { s, p: base.p, method: 't' };
  const mid = (n * (n * n - 1)) / 6;
  const oneSided = s > mid ? as89(n, Math.round(s), true) : as89(n, Math.round(s) + 2, false);
  return { s, p: Math.min(1, 2 * oneSided), method: n <= EXACT_MAX_N ? 'exact' : 'edgeworth' };
}
