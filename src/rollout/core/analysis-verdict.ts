import type { MonitorView } from './status-view.js';
import type { Phase } from './phase.js';

/**
 * One verdict for a release on a route, for analysis engines that shift the
 * traffic themselves (Argo Rollouts' web metric, Flagger's webhooks): Sluice
 * judges, they act. Pure: it reads the rollout's phase and monitors (when
 * Sluice rolls the release) and the observer's reading of the release's
 * production answers (wherever its traffic comes from).
 *
 * - fail: the rollout of this release was rolled back or aborted; a monitor
 *   failed; or the observer proved a sustained quality drop (the decision
 *   that rolls back a release Sluice owns — for one it does not own, this
 *   verdict is how the drop reaches the engine that does).
 * - pass: the release was promoted by Sluice; or every monitor of its
 *   current reading passed; or, without a Sluice rollout, the observer has
 *   judged enough windows of it and none is in breach.
 * - inconclusive: anything else (too little data, an unreachable metric
 *   source, a paused rollout without a fail). The engine waits or pauses; it
 *   must never read inconclusive as pass.
 */

export type AnalysisVerdict = 'pass' | 'fail' | 'inconclusive';

/** What the observer has seen of a release's production answers. */
export interface ObserverReading {
  /** 'rollback': a sustained drop proven; 'alert': a dip, thin windows or a failing judge; 'none'. */
  readonly action: 'none' | 'alert' | 'rollback';
  readonly reason: string | null;
  /** Informative (judged, non-thin) windows in a row at the end of every slice's series, the fewest over slices. */
  readonly healthyWindows: number;
  /** Windows needed in a row to call the release healthy (observe.consecutive). */
  readonly needed: number;
}

export interface AnalysisInput {
  /** The Sluice rollout of this release, when there is one. */
  readonly rollout: {
    readonly phase: Phase;
    readonly monitors: readonly MonitorView[];
    readonly haltReason: string | null;
  } | null;
  readonly observer: ObserverReading | null;
}

export interface AnalysisOutcome {
  readonly verdict: AnalysisVerdict;
  readonly reasons: readonly string[];
}

export function analysisVerdict(input: AnalysisInput): AnalysisOutcome {
  const { rollout, observer } = input;
  const fails: string[] = [];
  if (rollout && (rollout.phase === 'rolled_back' || rollout.phase === 'aborted')) {
    fails.push(
      `the rollout was ${rollout.phase === 'aborted' ? 'aborted' : 'rolled back'}: ${rollout.haltReason ?? 'no reason recorded'}`,
    );
  }
  for (const m of rollout?.monitors ?? []) if (m.status === 'fail') fails.push(`${m.name} failed: ${m.detail}`);
  if (observer?.action === 'rollback')
    fails.push(`the observer proved a sustained quality drop: ${observer.reason ?? ''}`.trim());
  if (fails.length > 0) return { verdict: 'fail', reasons: fails };

  if (rollout?.phase === 'promoted') return { verdict: 'pass', reasons: ['promoted by Sluice'] };
  if (rollout) {
    const monitors = rollout.monitors;
    const open = monitors.filter((m) => m.status !== 'pass');
    if (monitors.length > 0 && open.length === 0) return { verdict: 'pass', reasons: ['every monitor passed'] };
    return {
      verdict: 'inconclusive',
      reasons:
        monitors.length === 0 ? ['no monitor reading yet'] : open.map((m) => `${m.name} ${m.status}: ${m.detail}`),
    };
  }
  if (observer && observer.healthyWindows >= observer.needed && observer.action === 'none') {
    return { verdict: 'pass', reasons: [`the observer judged ${observer.healthyWindows} healthy windows in a row`] };
  }
  if (observer) {
    return {
      verdict: 'inconclusive',
      reasons: [
        observer.reason ?? `the observer has ${observer.healthyWindows} of ${observer.needed} healthy windows in a row`,
      ],
    };
  }
  return { verdict: 'inconclusive', reasons: ['no rollout of this release and no observed production answers'] };
}

/** Flagger's webhook types Sluice answers. */
export const FLAGGER_HOOKS = ['pre-rollout', 'rollout', 'confirm-promotion', 'rollback', 'event'] as const;
export type FlaggerHook = (typeof FLAGGER_HOOKS)[number];

/**
 * Flagger's contract: HTTP 200–202 lets the canary go on, anything else
 * halts it (a failed check), and the body is logged with the reason. Except
 * for `rollback`, where a 2xx tells Flagger to roll back.
 *
 * - pre-rollout: 200 when the release is registered and its gate passed
 *   (or was overridden); 412 otherwise.
 * - rollout: 412 on fail, else 200 (inconclusive does not count as a failed
 *   check: Flagger would roll back after its threshold on mere lack of data).
 * - confirm-promotion: 200 only on pass; 412 otherwise (Flagger holds the
 *   promotion and asks again; a wait, never a failure).
 * - rollback: 200 on fail (roll back now), 409 otherwise.
 */
export function flaggerAnswer(
  hook: Exclude<FlaggerHook, 'event'>,
  verdict: AnalysisOutcome,
  preflight: string | null,
): { status: number; proceed: boolean; reason: string } {
  const why = verdict.reasons.join('; ');
  switch (hook) {
    case 'pre-rollout':
      return preflight === null
        ? { status: 200, proceed: true, reason: 'the release is registered and its gate passed' }
        : { status: 412, proceed: false, reason: preflight };
    case 'rollout':
      return verdict.verdict === 'fail'
        ? { status: 412, proceed: false, reason: `verdict fail: ${why}` }
        : { status: 200, proceed: true, reason: `verdict ${verdict.verdict}: ${why}` };
    case 'confirm-promotion':
      return verdict.verdict === 'pass'
        ? { status: 200, proceed: true, reason: `verdict pass: ${why}` }
        : { status: 412, proceed: false, reason: `verdict ${verdict.verdict}, promotion held: ${why}` };
    case 'rollback':
      return verdict.verdict === 'fail'
        ? { status: 200, proceed: false, reason: `roll back: ${why}` }
        : { status: 409, proceed: true, reason: `no rollback: verdict ${verdict.verdict}` };
  }
}
