import type { DecisionKind } from '../../audit/envelope/in-toto.js';
import type { Decision } from '../../audit/ledger/decision.js';
import type { JsonValue } from '../../kernel/canonical-json.js';
import type { ReleaseId } from '../../release/resolved-manifest.js';

/** The actor of the controller's own decisions. */
export const CONTROLLER = 'controller';

/**
 * A receipt the controller wants recorded. `key` names the transition, not
 * the tick: the same transition always gets the same key (`<rollout>/step/1`,
 * `<rollout>/promote`, `<rollout>/command/7`, …), so the edge can store drafts
 * with the status write and append each key to the ledger once, even when a
 * tick is replayed after a crash.
 */
export interface DecisionDraft {
  readonly key: string;
  readonly kind: DecisionKind;
  readonly actor: string;
  readonly at: number;
  readonly route: string;
  /** The release the decision is about: the candidate. */
  readonly subject: ReleaseId;
  readonly what: { readonly [key: string]: JsonValue };
  readonly why: readonly string[];
}

/** The ledger's Decision for a draft. */
export function toDecision(d: DecisionDraft): Decision {
  return {
    kind: d.kind,
    subject: d.subject,
    actor: d.actor,
    at: new Date(d.at),
    route: d.route,
    what: { ...d.what },
    why: [...d.why],
  };
}
