import type { ReleaseManifest } from '../config/release-schema.js';
import { failAt, type KeyPath, type YamlSource } from '../config/yaml-source.js';
import { sha256Digest, type Digest } from '../kernel/digest.js';
import { PREPROCESS_LIBRARY, preprocessDigest } from './preprocess.js';
import { readProjectText } from './project-path.js';
import type { FileRef, ReleaseId, ResolvedManifest } from './resolved-manifest.js';

export interface ResolvedFiles {
  readonly manifest: ResolvedManifest;
  /** The bytes of every referenced file, by digest, to go into the blob table. */
  readonly blobs: ReadonlyMap<Digest, Buffer>;
}

/**
 * Replaces every file a manifest references with `{path, digest}`, reading the
 * bytes once. Any path problem is a bad_input naming the manifest's line and key.
 * `baseline` is the already-resolved full id of an explicit baseline, if any.
 */
export function resolveManifest(
  m: ReleaseManifest,
  src: YamlSource,
  projectDir: string,
  baseline: ReleaseId | undefined,
): ResolvedFiles {
  const blobs = new Map<Digest, Buffer>();
  const file = (written: string, key: KeyPath): FileRef => {
    const r = readProjectText(projectDir, written);
    if (!r.ok) failAt(src, key, r.error.message);
    const { bytes } = r.value;
    const digest = sha256Digest(bytes);
    blobs.set(digest, bytes);
    return { path: r.value.path, digest };
  };

  const prompt: { system?: FileRef; user?: FileRef; vars?: Record<string, string> } = {};
  if (m.prompt.system !== undefined) prompt.system = file(m.prompt.system, ['prompt', 'system']);
  if (m.prompt.user !== undefined) prompt.user = file(m.prompt.user, ['prompt', 'user']);
  if (m.prompt.vars !== undefined) prompt.vars = m.prompt.vars;

  let dataset: ResolvedManifest['dataset'];
  if (m.dataset) {
    const suite = file(m.dataset.suite, ['dataset', 'suite']);
    dataset =
      m.dataset.anchors === undefined ? { suite } : { suite, anchors: file(m.dataset.anchors, ['dataset', 'anchors']) };
  }

  const manifest: ResolvedManifest = {
    name: m.name,
    model: m.model,
    ...(m.embeddings ? { embeddings: m.embeddings } : {}),
    routing: m.routing,
    prompt,
    preprocessing: { library: PREPROCESS_LIBRARY, steps: m.preprocessing, digest: preprocessDigest(m.preprocessing) },
    params: m.params,
    ...(m.params_overridable ? { params_overridable: m.params_overridable } : {}),
    ...(dataset ? { dataset } : {}),
    ...(baseline ? { baseline } : {}),
    acknowledge: m.acknowledge,
    metadata: m.metadata,
  };
  return { manifest, blobs };
}
