import { describe, expect, it } from 'vitest';
import type { GateResult } from '../gate/core/gate-result.js';
import type { ReleaseRecord } from '../store/store.js';
import { rollRefusal } from './rollout-service.js';

const release = {
  id: 'sha256:' + 'c'.repeat(64),
  manifest: { preprocessing: { digest: 'sha256:' + 'p'.repeat(64) } },
} as unknown as ReleaseRecord;
const stable = 'sha256:' + 'a'.repeat(64);
const gate = (over: Partial<GateResult> = {}) => ({ verdict: 'pass', baseline: stable, ...over }) as GateResult;

describe('roll preconditions', () => {
  it("accepts a passed gate against the current stable with the release's own preprocessing", () => {
    expect(
      rollRefusal(release, stable, {
        result: gate(),
        overridden: false,
        preprocessingDigest: release.manifest.preprocessing.digest,
      }),
    ).toBeNull();
  });

  it('accepts an overridden failure, and names each condition that fails', () => {
    expect(
      rollRefusal(release, stable, {
        result: gate({ verdict: 'fail' }),
        overridden: true,
        preprocessingDigest: release.manifest.preprocessing.digest,
      }),
    ).toBeNull();
    expect(rollRefusal(release, stable, undefined)).toMatch(/no gate result/);
    expect(
      rollRefusal(release, stable, {
        result: gate({ verdict: 'review' }),
        overridden: false,
        preprocessingDigest: release.manifest.preprocessing.digest,
      }),
    ).toMatch(/verdict is review/);
    expect(
      rollRefusal(release, stable, {
        result: gate({ baseline: null }),
        overridden: false,
        preprocessingDigest: release.manifest.preprocessing.digest,
      }),
    ).toMatch(/not the current stable/);
    expect(
      rollRefusal(release, stable, {
        result: gate(),
        overridden: false,
        preprocessingDigest: 'sha256:' + 'q'.repeat(64),
      }),
    ).toMatch(/ran with preprocessing sha256:q+, not the release's own/);
  });
});
