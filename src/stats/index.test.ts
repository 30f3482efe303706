import { describe, expect, it } from 'vitest';
import * as stats from './index.js';

describe('stats public API', () => {
  it('re-exports every function', () => {
    const names = [
      'mean',
      'variance',
      'standardDeviation',
      'quantile',
      'quantileSorted',
      'median',
      'p95',
      'describe',
      'normalPdf',
      'normalCdf',
      'normalSf',
      'normalQuantile',
      'studentTCdf',
      'studentTSf',
      'studentTTwoSided',
      'studentTPdf',
      'studentTQuantile',
      'logGamma',
      'logBeta',
      'betaRegularized',
      'betaRegularizedComplement',
      'rankAverage',
      'tieGroupSizes',
      'tieCorrectionTerm',
      'hasTies',
      'pearson',
      'spearman',
      'spearmanAs89',
      'as89',
      'kendallTauB',
      'kendallExactPValue',
      'inversionsCdf',
      'fisherZInterval',
      'pearsonInterval',
      'bonettWrightInterval',
      'holm',
      'adjustP',
      'benjaminiHochberg',
      'mannWhitneyU',
      'mannWhitneyCdf',
      'mannWhitneySf',
      'hodgesLehmann',
      'hodgesLehmannShift',
      'mcnemarExact',
      'isotonicRegression',
      'isotonicMap',
      'ppiMean',
      'ppiTunedLambda',
      'mulberry32',
      'randomIndex',
      'pairedBootstrapMeanDiff',
      'nonInferiority',
      'meanInterval',
      'tTest',
      'tTestFromSummary',
      'tBounds',
      'minimumDetectableShift',
      'wilsonInterval',
      'cusumArl',
      'twoSidedCusumArl',
      'cusumThreshold',
      'cusumStep',
      'bernoulliLlr',
      'llrCusumThreshold',
    ];
    for (const name of names) expect(typeof (stats as Record<string, unknown>)[name], name).toBe('function');
    expect(Object.keys(stats).sort()).toEqual([...names].sort());
  });

  it('reports bad input as a RangeError', () => {
    expect(() => stats.spearman([1, 2, 3], [1, 2])).toThrow(RangeError);
    expect(() => stats.mean([])).toThrow(RangeError);
    expect(() => stats.normalQuantile(-1)).toThrow(RangeError);
  });
});
