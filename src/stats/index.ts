/**
 * Sluice's statistics library: pure functions on plain number arrays that
 * return plain objects, with no dependencies.
 *
 * Errors: every function checks its arguments and throws a RangeError
 * naming the offending argument when they are unusable — arrays of
 * different lengths where pairs are expected, too few values for the
 * statistic (each function documents its minimum), non-finite numbers,
 * levels outside (0, 1), or data for which the statistic is undefined
 * (a constant sample for a correlation, all observations tied for the
 * Hodges–Lehmann interval). Bad input is never answered with NaN. Callers for
 * whom too little data is an expected outcome (a small slice, say) check
 * the documented minimum first and report it in their own terms.
 *
 * Intervals are { lower, upper } and levels are given as alpha, the
 * two-sided miscoverage (a 95% interval is alpha = 0.05), except where a
 * function states a one-sided bound. p-values are two-sided.
 */

export type { Interval } from './interval.js';

export { mean, variance, standardDeviation, quantile, quantileSorted, median, p95, describe } from './describe.js';
export type { Summary } from './describe.js';

export { normalPdf, normalCdf, normalSf, normalQuantile } from './normal.js';
export { studentTCdf, studentTSf, studentTTwoSided, studentTPdf, studentTQuantile } from './student-t.js';
export { logGamma, logBeta } from './log-gamma.js';
export { betaRegularized, betaRegularizedComplement } from './incomplete-beta.js';

export { rankAverage, tieGroupSizes, tieCorrectionTerm, hasTies } from './ranks.js';
export { pearson } from './pearson.js';
export { spearman } from './spearman.js';
export type { SpearmanResult } from './spearman.js';
export { spearmanAs89, as89 } from './spearman-as89.js';
export type { SpearmanAs89Result } from './spearman-as89.js';
export { kendallTauB } from './kendall.js';
export type { KendallResult } from './kendall.js';
export { kendallExactPValue, inversionsCdf } from './kendall-distribution.js';
export { fisherZInterval, pearsonInterval, bonettWrightInterval } from './fisher-z-interval.js';
export type { CorrelationInterval } from './fisher-z-interval.js';

export { holm, benjaminiHochberg, adjustP } from './p-adjust.js';
export type { Multiplicity } from './p-adjust.js';

export { mannWhitneyU } from './mann-whitney.js';
export type { MannWhitneyMethod, MannWhitneyResult } from './mann-whitney.js';
export { mannWhitneyCdf, mannWhitneySf } from './mann-whitney-distribution.js';
export { hodgesLehmann, hodgesLehmannShift } from './hodges-lehmann.js';
export type { HodgesLehmannResult } from './hodges-lehmann.js';
export { mcnemarExact } from './mcnemar.js';
export type { McNemarResult } from './mcnemar.js';

export { isotonicRegression, isotonicMap } from './isotonic.js';
export type { IsotonicMap } from './isotonic.js';

export { ppiMean, ppiTunedLambda } from './ppi.js';
export type { PpiInput, PpiResult } from './ppi.js';

export { mulberry32, randomIndex } from './prng.js';
export type { Random } from './prng.js';
export { pairedBootstrapMeanDiff, nonInferiority } from './bootstrap.js';
export type { BootstrapOptions, BootstrapResult, NonInferiorityResult } from './bootstrap.js';

export { tTest, tTestFromSummary, tBounds, minimumDetectableShift } from './t-test.js';
export type { TTestResult } from './t-test.js';

export { meanInterval, wilsonInterval } from './mean-interval.js';
export type { MeanInterval, ProportionInterval } from './mean-interval.js';
export { cusumArl, twoSidedCusumArl, cusumThreshold, cusumStep, bernoulliLlr, llrCusumThreshold } from './cusum.js';
