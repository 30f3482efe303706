/**
 * How often the canary's answers are judged: often enough that a step
 * collects `qualitySamples` judged answers over the `minRequests` canary
 * requests it must serve, not the observer's production sample rate (at 5%,
 * a 1,000-request step would see 50 judged answers, too few to tell a
 * 10-point drop from noise). A step that serves more requests gets more
 * judged answers, up to the spend cap per step.
 */
export function canaryJudgeRate(qualitySamples: number, minRequests: number): number {
  if (!(qualitySamples > 0)) return 0;
  return Math.min(1, qualitySamples / Math.max(1, minRequests));
}

/** The key that counts canary judge calls against `max_judge_calls_per_step`: one rollout at one weight. */
export function canaryStepKey(rolloutId: string, weight: number): string {
  return `${rolloutId}@${weight}`;
}
