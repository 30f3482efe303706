// Shared simulation helpers for the decision benches: a seeded PRNG, normal
// draws, rubric discretisation, Wilson intervals and the row format.
// Each cell module in this folder exports `async function cells(): Promise<Cell[]>`.

/** mulberry32: a small seeded PRNG, uniform on [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller) from a uniform source. */
export function normal(u) {
  let a = u();
  while (a <= Number.EPSILON) a = u();
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * u());
}

export const clamp01 = (x) => Math.min(1, Math.max(0, x));

/** A quality in [0, 1] read on a 1–5 rubric and mapped back to [0, 1] (the judge's linear map). */
export function rubric(q) {
  const s = Math.min(5, Math.max(1, Math.round(1 + 4 * q)));
  return (s - 1) / 4;
}

/** Wilson 95% interval for k successes in n trials, as [low, high]. */
export function wilson(k, n, z = 1.959963984540054) {
  if (n === 0) return [0, 1];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

/**
 * A bench row for a rate measured by simulation: `k` of `n` replications,
 * with its Wilson interval, checked against `budget` ('<= 0.01' or '>= 0.8')
 * on the point estimate.
 */
export function rateRow(name, k, n, budget) {
  const [lo, hi] = wilson(k, n);
  const p = k / n;
  let ok;
  if (budget) {
    const [op, v] = budget.split(' ');
    ok = op === '<=' ? p <= Number(v) : p >= Number(v);
  }
  // Four significant digits, so a per-window rate of a few in a million keeps its value.
  const r3 = (x) => Number(x.toPrecision(4));
  return { name, value: r3(p), k, n, unit: `share of ${n} runs, Wilson 95% [${r3(lo)}, ${r3(hi)}]`, budget, ok };
}
