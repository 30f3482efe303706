import { describe, expect, it } from 'vitest';
import { ppiMean, ppiTunedLambda } from './ppi.js';
import { expectClose, vectors } from './test-support/vectors.js';

const v = vectors.ppi_mean;
const input = { human: v.human, judgeOnHuman: v.judge_on_human_items, judgeOnly: v.judge_only, alpha: v.alpha };

describe('prediction-powered inference for a mean', () => {
  it('matches the published PPI (lambda = 1) estimate and interval', () => {
    const r = ppiMean({ ...input, lambda: 1 });
    expectClose(r.estimate, v.lambda_1.estimate);
    expectClose(r.lower, v.lambda_1.ci[0]);
    expectClose(r.upper, v.lambda_1.ci[1]);
  });

  it('matches the published classical (lambda = 0) estimate and interval', () => {
    const r = ppiMean({ ...input, lambda: 0 });
    expectClose(r.estimate, v.lambda_0.estimate);
    expectClose(r.lower, v.lambda_0.ci[0]);
    expectClose(r.upper, v.lambda_0.ci[1]);
  });

  it('matches the published power-tuned lambda and PPI++ interval', () => {
    expectClose(ppiTunedLambda(v.human, v.judge_on_human_items, v.judge_only), v.lambda_hat);
    const r = ppiMean(input);
    expectClose(r.lambda, v.lambda_hat);
    expectClose(r.estimate, v.lambda_tuned.estimate);
    expectClose(r.lower, v.lambda_tuned.ci[0]);
    expectClose(r.upper, v.lambda_tuned.ci[1]);
  });

  it('clips the tuned lambda to [0, 1] and uses 0 for an uninformative judge', () => {
    // A judge that disagrees with the humans gets λ̂ clipped to 0.
    expect(ppiTunedLambda([1, 0, 1, 0], [0.1, 0.9, 0.2, 0.8], [0.5, 0.4])).toBe(0);
    expect(ppiTunedLambda([1, 0, 1], [0.5, 0.5, 0.5], [0.5, 0.5])).toBe(0);
  });

  it('rejects mismatched labels, too few items and lambda outside [0, 1]', () => {
    expect(() => ppiMean({ ...input, human: v.human.slice(1) })).toThrow(RangeError);
    expect(() => ppiMean({ ...input, judgeOnly: [] })).toThrow(RangeError);
    expect(() => ppiMean({ ...input, lambda: 1.5 })).toThrow(RangeError);
  });
});
