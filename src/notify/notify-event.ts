import type { NotifyEventKind } from '../config/notify-schema.js';
import type { JsonValue } from '../kernel/canonical-json.js';

/** Something Sluice decided that people are told about: a gate result, a step, a pause, a halt, a rollback, an observer alert. */
export interface NotifyEvent {
  readonly kind: NotifyEventKind;
  readonly route: string | null;
  /** The release the decision is about (full id). */
  readonly release: string | null;
  readonly actor: string;
  /** When it was decided (epoch ms, the deciding clock). */
  readonly at: number;
  /** One line a person reads. */
  readonly message: string;
  readonly details?: { readonly [key: string]: JsonValue };
}

/**
 * How a stage hands an event on: it returns at once and never throws (the
 * notifier queues it), so telling people never blocks or fails a decision.
 */
export type Notify = (event: NotifyEvent) => void;

export const NO_NOTIFY: Notify = () => {};
