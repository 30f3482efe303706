import type { Component } from '../config/release-schema.js';
import type { Digest } from '../kernel/digest.js';
import type { ReleaseId, ResolvedManifest } from './resolved-manifest.js';

export interface ReleaseRecord {
  readonly id: ReleaseId;
  readonly name: string;
  readonly manifest: ResolvedManifest;
  /** What the changes were computed against; null for a route's first release. */
  readonly baseline: ReleaseId | null;
  readonly changes: readonly Component[];
  readonly actor: string;
  readonly createdAt: string;
}

/** Content-addressed bytes: prompts, suites, preprocessing, anchors. */
export interface BlobStore {
  /** Stores bytes under their sha256; storing the same bytes again is a no-op. */
  putBlob(bytes: Uint8Array): Promise<Digest>;
  getBlob(digest: Digest): Promise<Buffer | undefined>;
}

/** What Register keeps: immutable releases and the blobs they reference. */
export interface ReleaseStore extends BlobStore {
  /** Inserts a release unless its id exists; `inserted` says which happened. */
  insertRelease(release: ReleaseRecord): Promise<{ inserted: boolean }>;
  getRelease(id: ReleaseId): Promise<ReleaseRecord | undefined>;
  /** Ids whose hex starts with `hexPrefix`, at most `limit`. */
  findReleaseIds(hexPrefix: string, limit: number): Promise<ReleaseId[]>;
  listReleases(filter?: { name?: string }): Promise<ReleaseRecord[]>;
  /** One page of releases, newest first (by creation, then id), and how many match: for lists too long to read whole. */
  releasePage(
    filter: { name?: string },
    page: { offset: number; limit: number },
  ): Promise<{ total: number; releases: ReleaseRecord[] }>;
  /** The route names that have releases, with how many each has. */
  releaseRoutes(): Promise<{ name: string; count: number }[]>;
}

/** Finding a release by id or unique prefix. */
export type ReleaseLookup = Pick<ReleaseStore, 'getRelease' | 'findReleaseIds'>;
