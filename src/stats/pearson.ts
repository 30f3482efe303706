/** Pearson's product-moment correlation of two paired samples. */
import { mean } from './describe.js';
import { assertPairs } from './validate.js';

/** r in [−1, 1]; throws RangeError for fewer than 2 pairs or a constant sample (r undefined). */
export function pearson(x: readonly number[], y: readonly number[]): number {
  assertPairs(x, y, 2);
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) throw new RangeError('correlation is undefined when a sample is constant');
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}
