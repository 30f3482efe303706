import type { Component } from '../config/release-schema.js';

export type OneChangeVerdict =
  | { ok: true }
  | {
      ok: false;
      code: 'unacknowledged_changes';
      changes: Component[];
      missing: Component[];
      message: string;
      fix: string;
    };

/**
 * One change at a time: a release that differs from its baseline in more than
 * one component is refused unless `acknowledge` lists every one of them.
 */
export function checkOneChange(changes: readonly Component[], acknowledged: readonly Component[]): OneChangeVerdict {
  if (changes.length <= 1) return { ok: true };
  const missing = changes.filter((c) => !acknowledged.includes(c));
  if (missing.length === 0) return { ok: true };
  const fix = `acknowledge: [${changes.join(', ')}]`;
  return {
    ok: false,
    code: 'unacknowledged_changes',
    changes: [...changes],
    missing,
    fix,
    message: `this release changes ${changes.length} components at once (${changes.join(', ')}); change one at a time, or acknowledge each in the manifest with:\n  ${fix}`,
  };
}
