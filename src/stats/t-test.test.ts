import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { normalQuantile } from './normal.js';
import { mulberry32 } from './prng.js';
import { minimumDetectableShift, tBounds, tTest, tTestFromSummary } from './t-test.js';
import { expectClose, vectors } from './test-support/vectors.js';

const tVectors = z
  .object({
    paired_t_sleep: z.object({
      group1: z.array(z.number()),
      group2: z.array(z.number()),
      t: z.number(),
      df: z.number(),
      p_two_sided: z.number(),
      ci95: z.tuple([z.number(), z.number()]),
      mean_difference: z.number(),
    }),
    normal_quantile_0_8: z.object({ value: z.number() }),
  })
  .parse(JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/vectors/t-test.json'), 'utf8')));

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

describe("Student's t-test", () => {
  const v = tVectors.paired_t_sleep;
  const diffs = v.group1.map((x, i) => x - v.group2[i]!);

  it("matches R's paired t-test on the sleep data", () => {
    const r = tTest(diffs);
    expectClose(r.estimate, v.mean_difference, 1e-12);
    expect(r.df).toBe(v.df);
    expectClose(r.t, v.t, 5e-5);
    expectClose(2 * Math.min(r.pBelow, r.pAbove), v.p_two_sided, 5e-7);
    const ci = tBounds(r, 0.025);
    expectClose(ci.lower, v.ci95[0], 5e-8);
    expectClose(ci.upper, v.ci95[1], 5e-8);
  });

  it('gives one-sided p-values against any null value that add to one', () => {
    const r = tTest(diffs, -1);
    expectClose(r.pBelow + r.pAbove, 1, 1e-15);
    expect(r.pBelow).toBeLessThan(0.5);
    expect(tTestFromSummary(r.estimate, r.se, r.df, -1).pBelow).toBe(r.pBelow);
  });

  it('decides a constant sample without dividing by zero', () => {
    expect(tTest([0.2, 0.2, 0.2], 0.5)).toMatchObject({ se: 0, pBelow: 0, pAbove: 1, t: -Infinity });
    expect(tTest([0.5, 0.5], 0.5)).toMatchObject({ pBelow: 1, pAbove: 1, t: 0 });
    expect(tBounds(tTest([0.5, 0.5]), 0.025)).toEqual({ lower: 0.5, upper: 0.5 });
  });

  it('finds the minimum detectable shift of the sample-size tables in the normal limit', () => {
    const z = vectors.normal_quantiles['0.975']! + tVectors.normal_quantile_0_8.value;
    expectClose(minimumDetectableShift(1, 1_000_000), z / 1000, 1e-7);
    expectClose(normalQuantile(0.8), tVectors.normal_quantile_0_8.value, 1e-12);
  });

  it('detects a shift of its minimum detectable size about 80% of the time', () => {
    const random = mulberry32(2024);
    const n = 20;
    const shift = minimumDetectableShift(1, n);
    let detected = 0;
    const runs = 4000;
    for (let k = 0; k < runs; k++) {
      const xs = Array.from({ length: n }, () => normal(random) - shift);
      if (tTest(xs).pBelow < 0.025) detected++;
    }
    // The approximation overstates the power by about a point at n = 20; 4,000 runs have an se of 0.6 points.
    expect(detected / runs).toBeGreaterThan(0.76);
    expect(detected / runs).toBeLessThan(0.81);
  });
});
