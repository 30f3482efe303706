import { isActive, type Phase } from './phase.js';
import type { RolloutStatus } from './rollout-state.js';
import type { Tick } from './tick.js';
import { abort, pause, promote, resume, rollBack } from './transitions.js';

/**
 * Operator commands. Each carries a sequence number assigned when it was
 * queued; the status remembers the highest one consumed, so a command
 * delivered again (a replayed tick, a retried queue read) is skipped. A
 * command that makes no sense in the current phase (resume while
 * progressing, pause after promotion) is consumed and logged as ignored.
 *
 * - promote: progressing or paused → promoted now (100%, stable pointer swapped).
 * - pause: progressing → paused (the canary keeps its weight).
 * - resume: paused → progressing, restarting the step's dwell and deadline.
 * - abort: progressing or paused → aborted: canary weight 0, stable unchanged
 *   (receipt kind `halt`, outcome `aborted`).
 * - rollback: progressing, paused or promoted → rolled_back; after promotion
 *   the stable pointer goes back to the previous stable. Choosing another
 *   target (`rollback --to ID`) is the edge's business.
 */

export const COMMAND_KINDS = ['promote', 'pause', 'resume', 'abort', 'rollback'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

export interface Command {
  /** Positive, unique per rollout, increasing in the order the commands were given. */
  readonly seq: number;
  readonly kind: CommandKind;
  readonly actor: string;
  readonly reason?: string;
  /** When the operator gave it. */
  readonly at: number;
}

/** The commands not yet consumed, in sequence order, each sequence number once. */
export function pendingCommands(status: RolloutStatus, commands: readonly Command[]): Command[] {
  for (const c of commands) {
    if (!Number.isSafeInteger(c.seq) || c.seq < 1)
      throw new RangeError(`command seq must be a positive integer, got ${String(c.seq)}`);
    if (!(COMMAND_KINDS as readonly string[]).includes(c.kind))
      throw new RangeError(`unknown command ${String(c.kind)}`);
    if (!Number.isFinite(c.at)) throw new RangeError(`command ${c.seq} needs a finite time`);
  }
  const fresh = commands.filter((c) => c.seq > status.commandSeq).sort((a, b) => a.seq - b.seq);
  return fresh.filter((c, i) => i === 0 || c.seq !== fresh[i - 1]!.seq);
}

/** Whether a command has something to do in a phase (the same rule `applyCommand` follows). */
export function commandApplies(kind: CommandKind, phase: Phase): boolean {
  switch (kind) {
    case 'promote':
    case 'abort':
      return isActive(phase);
    case 'pause':
      return phase === 'progressing';
    case 'resume':
      return phase === 'paused';
    case 'rollback':
      return isActive(phase) || phase === 'promoted';
  }
}

/** What an operator is told when a command has nothing to do in a phase, or null when it applies. */
export function commandRefusal(kind: CommandKind, phase: Phase): string | null {
  if (commandApplies(kind, phase)) return null;
  const why: Record<CommandKind, string> = {
    promote: 'only a progressing or paused rollout can be promoted',
    abort: 'only a progressing or paused rollout can be aborted',
    pause: 'only a progressing rollout can be paused',
    resume: 'only a paused rollout can be resumed',
    rollback:
      'only a progressing, paused or promoted rollout can be rolled back (rollback --to ID picks any earlier release)',
  };
  const state = phase === 'idle' ? 'has not started yet' : `is ${phase.replace('_', ' ')}`;
  return `nothing to ${kind === 'rollback' ? 'roll back' : kind}: the rollout ${state}; ${why[kind]}`;
}

export function applyCommand(t: Tick, c: Command): void {
  const phase = t.phase;
  const what = { command: { seq: c.seq, kind: c.kind, requested_at: new Date(c.at).toISOString() } };
  const why = c.reason || `${c.kind} requested by ${c.actor}`;
  const applied = commandApplies(c.kind, phase);
  if (applied) {
    switch (c.kind) {
      case 'promote':
        promote(t, c.actor, [why], what);
        break;
      case 'pause':
        pause(t, c.actor, why, t.key(`command/${c.seq}`), what);
        break;
      case 'resume':
        resume(t, c.actor, why, t.key(`command/${c.seq}`), what);
        break;
      case 'abort':
        abort(t, c.actor, why, what);
        break;
      case 'rollback':
        rollBack(t, c.actor, why, { trigger: 'command', ...what });
        break;
    }
  }
  t.update({ commandSeq: c.seq });
  if (!applied) t.event('ignored', `${c.kind} #${c.seq} by ${c.actor} ignored: rollout is ${phase}`);
}
