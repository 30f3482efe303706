import type { NotifyEventKind } from '../config/notify-schema.js';
import type { NotifyEvent } from '../notify/notify-event.js';
import type { ReconcileResult, RolloutSpec } from './core/index.js';

const KINDS: ReadonlySet<string> = new Set<NotifyEventKind>([
  'rollout-start',
  'step',
  'pause',
  'resume',
  'promote',
  'halt',
  'rollback',
]);

/** The notifications a committed tick makes: one per transition event, with its receipt's actor and reasons. */
export function transitionEvents(spec: RolloutSpec, result: ReconcileResult): NotifyEvent[] {
  const out: NotifyEvent[] = [];
  for (const e of result.events) {
    if (!KINDS.has(e.kind)) continue;
    const draft = result.decisions.find((d) => d.kind === e.kind);
    out.push({
      kind: e.kind as NotifyEventKind,
      route: spec.route,
      release: spec.candidate,
      actor: draft?.actor ?? 'controller',
      at: e.at,
      message: e.message,
      details: {
        rollout: spec.rolloutId,
        stable: spec.stable,
        step: e.step,
        weight: e.weight,
        why: [...(draft?.why ?? [])],
      },
    });
  }
  return out;
}
