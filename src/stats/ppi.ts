/**
 * Prediction-powered inference (Angelopoulos et al., Science 2023) for a
 * mean: n items carry both a human label Y and a judge label Ŷ, N more
 * items carry only a judge label Ŷᵘ. For a weight λ,
 *
 *   estimate = λ·mean(Ŷᵘ) + mean(Y − λŶ)
 *   se       = √(sd₀(λŶᵘ)²/N + sd₀(Y − λŶ)²/n)     (sd₀: population sd)
 *
 * and the interval is estimate ± z_{1−α/2}·se. λ = 1 is PPI, λ = 0 the
 * classical mean of the human labels, and "tuned" is PPI++'s power-tuned
 * λ̂ = cov₀(Y, Ŷ) / ((1 + n/N)·var₁(Ŷ ∪ Ŷᵘ)), clipped to [0, 1], with the
 * covariance over the labelled items (n denominator) and the variance over
 * all judge labels pooled (n + N − 1 denominator). These are the
 * conventions of the ppi_py package's ppi_mean_ci.
 */
import { normalQuantile } from './normal.js';
import { assertAlpha, assertFiniteArray, assertSameLength } from './validate.js';

export interface PpiInput {
  /** Human labels Y on the labelled items. */
  human: readonly number[];
  /** Judge labels Ŷ on the same items, in the same order. */
  judgeOnHuman: readonly number[];
  /** Judge labels Ŷᵘ on the items without a human label. */
  judgeOnly: readonly number[];
  /** Miscoverage of the two-sided interval; default 0.1 (ppi_py's default). */
  alpha?: number;
  /** A weight in [0, 1], or "tuned" (the default) for PPI++. */
  lambda?: number | 'tuned';
}

export interface PpiResult {
  estimate: number;
  lower: number;
  upper: number;
  se: number;
  lambda: number;
}

function meanOf(xs: readonly number[]): number {
  let s = 0;
  for (const v of xs) s += v;
  return s / xs.length;
}

/** Population standard deviation (n denominator). */
function sd0(xs: readonly number[]): number {
  const m = meanOf(xs);
  let ss = 0;
  for (const v of xs) ss += (v - m) * (v - m);
  return Math.sqrt(ss / xs.length);
}

function validate(input: PpiInput): void {
  assertFiniteArray('human', input.human, 2);
  assertFiniteArray('judgeOnHuman', input.judgeOnHuman, 2);
  assertSameLength('human', input.human, 'judgeOnHuman', input.judgeOnHuman);
  assertFiniteArray('judgeOnly', input.judgeOnly, 1);
}

/**
 * PPI++'s power-tuned λ̂, clipped to [0, 1]. When every judge label is the
 * same the judge carries no information and λ̂ = 0.
 */
export function ppiTunedLambda(
  human: readonly number[],
  judgeOnHuman: readonly number[],
  judgeOnly: readonly number[],
): number {
  validate({ human, judgeOnHuman, judgeOnly });
  const n = human.length;
  const bigN = judgeOnly.length;
  const my = meanOf(human);
  const mh = meanOf(judgeOnHuman);
  let cov = 0;
  for (let i = 0; i < n; i++) cov += (human[i]! - my) * (judgeOnHuman[i]! - mh);
  cov /= n;
  const pooled = [...judgeOnHuman, ...judgeOnly];
  const mp = meanOf(pooled);
  let ss = 0;
  for (const v of pooled) ss += (v - mp) * (v - mp);
  const varPooled = ss / (pooled.length - 1);
  if (varPooled === 0) return 0;
  const lambda = cov / ((1 + n / bigN) * varPooled);
  return Math.min(1, Math.max(0, lambda));
}

export function ppiMean(input: PpiInput): PpiResult {
  validate(input);
  const alpha = input.alpha ?? 0.1;
  assertAlpha(alpha);
  const { human, judgeOnHuman, judgeOnly } = input;
  const requested = input.lambda ?? 'tuned';
  let lambda: number;
  if (requested === 'tuned') {
    lambda = ppiTunedLambda(human, judgeOnHuman, judgeOnly);
  } else {
    if (typeof requested !== 'number' || !(requested >= 0 && requested <= 1)) {
      throw new RangeError(`lambda must be in [0, 1] or "tuned", got ${String(requested)}`);
    }
    lambda = requested;
  }
  const rectifier = human.map((y, i) => y - lambda * judgeOnHuman[i]!);
  const imputed = judgeOnly.map((v) => lambda * v);
  const estimate = meanOf(imputed) + meanOf(rectifier);
  const se = Math.sqrt(sd0(imputed) ** 2 / judgeOnly.length + sd0(rectifier) ** 2 / human.length);
  const half = normalQuantile(1 - alpha / 2) * se;
  return { estimate, lower: estimate - half, upper: estimate + half, se, lambda };
}
