import { SluiceError } from '../kernel/errors.js';
import type { FileRef, ReleaseId, ResolvedManifest } from '../release/resolved-manifest.js';
import type { BlobStore, ReleaseRecord } from '../release/release-store.js';

/** A release ready to serve: its manifest and its prompt templates' text. */
export interface ServingRelease {
  readonly id: ReleaseId;
  readonly manifest: ResolvedManifest;
  readonly systemTemplate?: string;
  readonly userTemplate?: string;
}

async function text(store: Pick<BlobStore, 'getBlob'>, ref: FileRef): Promise<string> {
  const bytes = await store.getBlob(ref.digest);
  if (!bytes) throw new SluiceError('not_found', `prompt ${ref.path} (${ref.digest}) is missing from the store`);
  return bytes.toString('utf8');
}

/** Loads a release's prompt templates from the blob table (they are hashed into the release). */
export async function loadServingRelease(
  store: Pick<BlobStore, 'getBlob'>,
  release: ReleaseRecord,
): Promise<ServingRelease> {
  const { system, user } = release.manifest.prompt;
  return {
    id: release.id,
    manifest: release.manifest,
    ...(system ? { systemTemplate: await text(store, system) } : {}),
    ...(user ? { userTemplate: await text(store, user) } : {}),
  };
}
