import type { Digest } from '../kernel/digest.js';
import type { Component, ModelRef, ParamName, PreprocessStep, ReleaseManifest } from '../config/release-schema.js';

/** A project file hashed into a release; its bytes live in the blob table under `digest`. */
export interface FileRef {
  readonly path: string;
  readonly digest: Digest;
}

export type ReleaseId = Digest;

/**
 * The manifest a release id is computed from: release.yaml with every file
 * replaced by a FileRef and the preprocessing pinned to the library version.
 */
export interface ResolvedManifest {
  readonly name: string;
  readonly model: ModelRef;
  /** The embeddings model of the route, when the release names one. */
  readonly embeddings?: ModelRef;
  readonly routing: ReleaseManifest['routing'];
  readonly prompt: {
    readonly system?: FileRef;
    readonly user?: FileRef;
    /** Defaults for prompt variables a request leaves unset. */
    readonly vars?: Readonly<Record<string, string>>;
  };
  readonly preprocessing: {
    readonly library: string;
    readonly steps: readonly PreprocessStep[];
    readonly digest: Digest;
  };
  readonly params: ReleaseManifest['params'];
  /** Params a client may override; absent (the release's params always win) unless the manifest lists some. */
  readonly params_overridable?: readonly ParamName[];
  readonly dataset?: { readonly suite: FileRef; readonly anchors?: FileRef };
  readonly baseline?: ReleaseId;
  readonly acknowledge: readonly Component[];
  readonly metadata: ReleaseManifest['metadata'];
}
