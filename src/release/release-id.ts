import { jsonDigest } from '../kernel/canonical-json.js';
import { SluiceError } from '../kernel/errors.js';
import type { ReleaseId, ResolvedManifest } from './resolved-manifest.js';

/** A release's id: sha256 of the RFC 8785 canonical JSON of its resolved manifest. */
export function releaseId(manifest: ResolvedManifest): ReleaseId {
  return jsonDigest(manifest);
}

/** "sha256:abcd…", "abcd…" or a hex prefix (at least 4 digits) to the hex part. */
export function parseIdText(text: string): string {
  const hex = text.startsWith('sha256:') ? text.slice(7) : text;
  if (!/^[0-9a-f]{4,64}$/.test(hex)) {
    throw new SluiceError(
      'bad_usage',
      `"${text}" is not a release id: expected sha256:<64 hex> or a unique prefix of at least 4 hex digits`,
    );
  }
  return hex;
}

/** Short form for people: the first 12 hex digits. */
export function shortId(id: string): string {
  return id.startsWith('sha256:') ? id.slice(7, 19) : id.slice(0, 12);
}
