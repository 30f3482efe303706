import { isAbsolute, resolve } from 'node:path';
import type { ModelRef } from '../config/release-schema.js';
import { failAt, type YamlSource } from '../config/yaml-source.js';
import { SluiceError } from '../kernel/errors.js';
import { readProjectText } from './project-path.js';
import { verifyWeights } from './weights/attest.js';

/**
 * A release that names open weights by path and digest is checked at register:
 * the folder is hashed the OpenSSF model-signing way and must match. With the
 * attest-weights manifest beside it, a mismatch names the first differing file.
 */
export async function checkWeights(model: ModelRef, src: YamlSource, projectDir: string): Promise<void> {
  const w = model.weights;
  if (!w) return;
  const dir = isAbsolute(w.path) ? w.path : resolve(projectDir, w.path);
  let expectedManifest: unknown;
  if (w.manifest !== undefined) {
    const r = readProjectText(projectDir, w.manifest);
    if (!r.ok) failAt(src, ['model', 'weights', 'manifest'], r.error.message);
    try {
      expectedManifest = JSON.parse(r.value.text);
    } catch (e) {
      failAt(src, ['model', 'weights', 'manifest'], `not a JSON manifest (${(e as Error).message})`);
    }
  }
  let result: Awaited<ReturnType<typeof verifyWeights>>;
  try {
    result = await verifyWeights(dir, w.digest, expectedManifest === undefined ? {} : { expectedManifest });
  } catch (e) {
    if (e instanceof SluiceError) failAt(src, ['model', 'weights', 'path'], e.message);
    throw e;
  }
  if (!result.ok) {
    const file = result.firstDifferingFile
      ? `: first differing file ${result.firstDifferingFile} (${result.difference})`
      : '';
    throw new SluiceError('refused', `model.weights at ${w.path} do not match ${w.digest}${file}`, {
      detail: `the folder hashes to ${result.actualRootDigest}${file ? '' : '; add weights.manifest (sluice attest-weights DIR > weights.json) to name the file'}`,
    });
  }
}
