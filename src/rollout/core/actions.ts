import type { ReleaseId } from '../../release/resolved-manifest.js';

/**
 * What a tick asks the gateway side to do, on the transition that needs it.
 * Each is idempotent to apply (it sets state, it does not increment it), and
 * `desiredRoute` in phase.ts gives the same routing level-triggered, so the
 * edge can repair whatever a crash left unapplied.
 */
export type Action =
  /** Send this share (percent) of the route's traffic to the candidate. */
  | { readonly type: 'setWeight'; readonly weight: number }
  /** Promotion: the route's stable pointer becomes the candidate; the previous stable stays warm until warmUntil. */
  | {
      readonly type: 'swapStable';
      readonly stable: ReleaseId;
      readonly previous: ReleaseId;
      readonly warmUntil: number;
    }
  /** Rollback after promotion: the route's stable pointer goes back to the previous stable. */
  | { readonly type: 'restoreStable'; readonly stable: ReleaseId; readonly from: ReleaseId }
  | { readonly type: 'noop' };

export const NOOP: Action = { type: 'noop' };
