import type { JudgeConfig } from '../config/sluice-schema.js';
import { jsonDigest } from '../kernel/canonical-json.js';
import { type Digest, sha256Digest } from '../kernel/digest.js';
import { SluiceError } from '../kernel/errors.js';
import { loadAnchors, parseAnchors } from '../judging/anchors.js';
import { calibrate, type Calibration } from '../judging/calibration.js';
import type { Judge } from '../judging/judge.js';
import type { JudgeSet, JudgeSetup } from '../judging/judge-set.js';
import { readProjectFile } from '../judging/project-file.js';
import type { JudgedWith } from './core/gate-result.js';
import type { ServingRelease } from '../serving/serving-release.js';
import type { BlobStore } from '../release/release-store.js';
import { PackedLines } from './core/packed-lines.js';

export async function blobBytes(store: Pick<BlobStore, 'getBlob'>, digest: Digest, path: string): Promise<Buffer> {
  const b = await store.getBlob(digest);
  if (!b) throw new SluiceError('not_found', `${path} (${digest}) is missing from the store`);
  return b;
}

/** A blob held deflated in blocks of lines; its bytes are let go here (a caller holding them would keep them for its lifetime). */
export async function blobPacked(
  store: Pick<BlobStore, 'getBlob'>,
  digest: Digest,
  path: string,
): Promise<PackedLines> {
  return PackedLines.pack(await blobBytes(store, digest, path));
}

export async function blobText(store: Pick<BlobStore, 'getBlob'>, digest: Digest, path: string): Promise<string> {
  return (await blobBytes(store, digest, path)).toString('utf8');
}

/**
 * The scale human scores are read on: the judge's `human_scale`, else its own
 * rating scale (a rubric's `scale`; [0, 1] for judges that score in [0, 1]),
 * so a judge that agrees with the humans maps to itself.
 */
export function humanScale(cfg: JudgeConfig): readonly [number, number] {
  return cfg.human_scale ?? (cfg.kind === 'rubric' ? cfg.scale : [0, 1]);
}

/**
 * The judge's calibration: the release's own anchors (hashed into it), else the
 * judge's anchors file. A slice needs 4 scored anchors of its own for a
 * correlation; with fewer it uses its nearest ancestor's.
 */
export async function gateCalibration(
  s: JudgeSetup & { store: Pick<BlobStore, 'getBlob'>; release: ServingRelease },
  judge: Judge | null,
): Promise<Calibration | null> {
  if (!judge) return null;
  const cfg = s.config.judges[judge.name]!;
  const scale = humanScale(cfg);
  const ref = s.release.manifest.dataset?.anchors;
  const anchors = ref
    ? parseAnchors(ref.path, await blobText(s.store, ref.digest, ref.path), { scale })
    : cfg.anchors
      ? loadAnchors(s.projectDir, cfg.anchors, { key: `judges.${judge.name}.anchors`, scale })
      : null;
  return anchors && anchors.length > 0 ? calibrate(judge, anchors, { minAnchors: 4, humanScale: scale }) : null;
}

/**
 * What a verdict was judged with, by content: each judge's digest (kind, rubric
 * bytes, model, scale), the digest of its sluice.yaml entry, and the anchors'
 * digest (the release's own anchors, else the quality judge's file).
 */
export function judgedWith(
  s: JudgeSetup & { release: ServingRelease },
  judges: Pick<JudgeSet, 'judge' | 'detectors'>,
): JudgedWith {
  const entry = (j: Judge) => ({ name: j.name, digest: j.digest, config: jsonDigest(s.config.judges[j.name] ?? null) });
  const judge = judges.judge;
  const ref = s.release.manifest.dataset?.anchors;
  const file = judge ? s.config.judges[judge.name]?.anchors : undefined;
  const anchors = ref
    ? ref.digest
    : file && judge
      ? sha256Digest(readProjectFile(s.projectDir, file, `judges.${judge.name}.anchors`).bytes)
      : null;
  return { judge: judge ? entry(judge) : null, detectors: judges.detectors.map(entry), anchors };
}
