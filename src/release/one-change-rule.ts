import type { Component } from '../config/release-schema.js';
import { errOf, ok, type Problem, type Result } from '../kernel/result.js';

/** More than one component changed and not all are acknowledged; `fix` is the manifest line that acknowledges them. */
export interface UnacknowledgedChanges extends Problem<'unacknowledged_changes'> {
  readonly changes: Component[];
  readonly missing: Component[];
  readonly fix: string;
}

export type OneChangeVerdict = Result<void, UnacknowledgedChanges>;

/**
 * One change at a time: a release that differs from its baseline in more than
 * one component is refused unless `acknowledge` lists every one of them.
 */
export function checkOneChange(changes: readonly Component[], acknowledged: readonly Component[]): OneChangeVerdict {
  if (changes.length <= 1) return ok(undefined);
  const missing = changes.filter((c) => !acknowledged.includes(c));
  if (missing.length === 0) return ok(undefined);
  const fix = `acknowledge: [${changes.join(', ')}]`;
  return errOf({
    code: 'unacknowledged_changes',
    changes: [...changes],
    missing,
    fix,
    message: `this release changes ${changes.length} components at once (${changes.join(', ')}); change one at a time, or acknowledge each in the manifest with:\n  ${fix}`,
  });
}
