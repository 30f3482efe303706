import { resolve } from 'node:path';
import type { Component } from '../config/release-schema.js';
import { loadReleaseManifest } from '../config/load-config.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { failAt } from '../config/yaml-source.js';
import { SluiceError } from '../core/errors.js';
import { changedComponents } from '../manifest/components.js';
import { findRelease } from '../manifest/find-release.js';
import { checkOneChange } from '../manifest/one-change-rule.js';
import { releaseId, shortId } from '../manifest/release-id.js';
import { resolveManifest } from '../manifest/resolve-manifest.js';
import type { ReleaseId } from '../manifest/resolved-manifest.js';
import type { ReleaseRecord, Store } from '../store/store.js';

export interface RegisterInput {
  readonly store: Store;
  readonly config: SluiceConfig;
  readonly projectDir: string;
  readonly file: string;
  readonly actor: string;
  readonly now: () => Date;
  /** Called inside the registering transaction, e.g. to write the receipt. */
  readonly onRegistered?: (tx: Store, release: ReleaseRecord) => Promise<void>;
}

export interface RegisterResult {
  readonly release: ReleaseRecord;
  /** False when the same content was registered before (nothing was written). */
  readonly created: boolean;
}

async function explicitBaseline(input: RegisterInput, text: string, fail: (msg: string) => never): Promise<ReleaseRecord> {
  try {
    return await findRelease(input.store, text);
  } catch (e) {
    if (e instanceof SluiceError && (e.code === 'not_found' || e.code === 'ambiguous')) fail(e.message);
    throw e;
  }
}

/**
 * Registers a release manifest: validate, resolve files, compute the id and the
 * changes against the baseline, apply the one-change rule, then write blobs,
 * release and receipt in one transaction. Bad input writes nothing.
 */
export async function registerRelease(input: RegisterInput): Promise<RegisterResult> {
  const { store, config, projectDir } = input;
  const { value: m, source } = loadReleaseManifest(resolve(projectDir, input.file), projectDir);

  if (!(m.model.provider in config.providers)) failAt(source, ['model', 'provider'], `unknown provider "${m.model.provider}"`);
  m.routing.forEach((rule, i) => {
    if (!(rule.model.provider in config.providers)) {
      failAt(source, ['routing', i, 'model', 'provider'], `unknown provider "${rule.model.provider}"`);
    }
  });

  const explicit = m.baseline === undefined ? undefined : await explicitBaseline(input, m.baseline, (msg) => failAt(source, ['baseline'], msg));
  const { manifest, blobs } = resolveManifest(m, source, projectDir, explicit?.id);
  const id = releaseId(manifest);

  const existing = await store.getRelease(id);
  if (existing) return { release: existing, created: false };

  let baseline = explicit;
  if (!baseline) {
    const stable = (await store.getRoute(m.name))?.stable;
    baseline = stable ? await store.getRelease(stable) : undefined;
  }
  const changes: Component[] = baseline ? changedComponents(baseline.manifest, manifest) : [];
  const rule = checkOneChange(changes, m.acknowledge);
  if (!rule.ok) {
    throw new SluiceError('refused', `${input.file}: refused against baseline ${shortId(baseline!.id)}: ${rule.message}`, {
      detail: rule.fix,
    });
  }

  const release: ReleaseRecord = {
    id: id as ReleaseId,
    name: m.name,
    manifest,
    baseline: baseline?.id ?? null,
    changes,
    actor: input.actor,
    createdAt: input.now().toISOString(),
  };
  const created = await store.transaction(async (tx) => {
    for (const bytes of blobs.values()) await tx.putBlob(bytes);
    const { inserted } = await tx.insertRelease(release);
    if (inserted && input.onRegistered) await input.onRegistered(tx, release);
    return inserted;
  });
  return { release: created ? release : ((await store.getRelease(id)) ?? release), created };
}
