import type { NotifyEvent } from '../notify/notify-event.js';
import type { GateResult } from './core/gate-result.js';

/** A recorded gate result as a notification: the verdict, the failing slices, the override when there is one. */
export function gateNotification(route: string, result: GateResult, actor: string, at: number): NotifyEvent {
  const failing = result.slices.filter((s) => s.verdict !== 'pass');
  const score = result.aggregate.score === null ? '–' : result.aggregate.score.toFixed(2);
  const why = failing
    .slice(0, 5)
    .map((s) => `${s.slice} ${s.verdict}${s.reasons[0] ? ` (${s.reasons[0]})` : ''}`)
    .join('; ');
  const override = result.override ? `; overridden by ${result.override.actor}: ${result.override.reason}` : '';
  return {
    kind: 'gate',
    route,
    release: result.release,
    actor,
    at,
    message: `gate ${result.verdict}: score ${score} over ${result.aggregate.n} items${why ? `; ${why}` : ''}${override}`,
    details: {
      verdict: result.verdict,
      score: result.aggregate.score,
      items: result.aggregate.n,
      baseline: result.baseline,
      receipt: result.receipt,
      failing_slices: failing.map((s) => s.slice),
      overridden: result.override !== null,
    },
  };
}
