import type { DecisionKind } from '../../audit/envelope/in-toto.js';
import type { JsonValue } from '../../kernel/canonical-json.js';
import { NOOP, type Action } from './actions.js';
import type { DecisionDraft } from './decision-draft.js';
import { canaryWeight, computePhase, type Phase } from './phase.js';
import {
  MAX_EVENTS,
  assertStatusFits,
  type RolloutEvent,
  type RolloutEventKind,
  type RolloutSpec,
  type RolloutStatus,
} from './rollout-state.js';

export interface ReconcileResult {
  /** The status to write (once) for this tick. */
  readonly status: RolloutStatus;
  readonly phase: Phase;
  readonly weight: number;
  /** Transitions' actions, in order; [noop] when there are none. */
  readonly actions: readonly Action[];
  readonly decisions: readonly DecisionDraft[];
  /** The events this tick appended to the status. */
  readonly events: readonly RolloutEvent[];
  /** Whether the status differs from the one read; an unchanged status need not be written. */
  readonly changed: boolean;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(rb, k) && jsonEqual(ra[k], rb[k]));
}

/** One reconcile pass in progress: the evolving status and what the pass has decided so far. */
export class Tick {
  private current: RolloutStatus;
  private readonly actions: Action[] = [];
  private readonly decisions: DecisionDraft[] = [];
  private readonly events: RolloutEvent[] = [];

  constructor(
    readonly spec: RolloutSpec,
    private readonly original: RolloutStatus,
    readonly now: number,
  ) {
    assertStatusFits(spec, original);
    this.current = original;
  }

  get status(): RolloutStatus {
    return this.current;
  }

  get phase(): Phase {
    return computePhase(this.spec, this.current);
  }

  get weight(): number {
    return canaryWeight(this.spec, this.current);
  }

  /** `<rolloutId>/<suffix>`: a decision key. */
  key(suffix: string): string {
    return `${this.spec.rolloutId}/${suffix}`;
  }

  update(patch: Partial<Omit<RolloutStatus, 'rolloutId' | 'events'>>): void {
    this.current = { ...this.current, ...patch };
  }

  act(action: Action): void {
    this.actions.push(action);
  }

  decide(
    kind: DecisionKind,
    key: string,
    actor: string,
    what: { [key: string]: JsonValue },
    why: readonly string[],
  ): void {
    const { route, candidate } = this.spec;
    this.decisions.push({ key, kind, actor, at: this.now, route, subject: candidate, what, why: [...why] });
  }

  /** An event at the current step and weight (call after the transition it reports). */
  event(kind: RolloutEventKind, message: string): void {
    this.events.push({ at: this.now, kind, step: this.current.stepIndex, weight: this.weight, message });
  }

  result(): ReconcileResult {
    const status: RolloutStatus =
      this.events.length === 0
        ? this.current
        : { ...this.current, events: [...this.current.events, ...this.events].slice(-MAX_EVENTS) };
    return {
      status,
      phase: computePhase(this.spec, status),
      weight: canaryWeight(this.spec, status),
      actions: this.actions.length > 0 ? [...this.actions] : [NOOP],
      decisions: [...this.decisions],
      events: [...this.events],
      changed: !jsonEqual(status, this.original),
    };
  }
}
