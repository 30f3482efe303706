import { type Clock, dateOf } from '../kernel/clock.js';
import { resolve } from 'node:path';
import type { Component } from '../config/release-schema.js';
import { loadReleaseManifest } from '../config/load-config.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { failAt } from '../config/yaml-source.js';
import { SluiceError } from '../kernel/errors.js';
import { changedComponents } from './components.js';
import { findRelease } from './find-release.js';
import { checkOneChange } from './one-change-rule.js';
import { releaseId, shortId } from './release-id.js';
import { resolveManifest } from './resolve-manifest.js';
import type { ReleaseId } from './resolved-manifest.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { RouteStateStore } from '../gateway/route-state-store.js';
import type { Transactional } from '../kernel/transactional.js';
import type { ReleaseRecord, ReleaseStore } from './release-store.js';
import { weightsClaim, type Decision } from '../audit/ledger/decision.js';
import { AUDIT_LOCK, type Ledger } from '../audit/ledger/ledger.js';
import type { Digest } from '../kernel/digest.js';
import { checkWeights } from './check-weights.js';

/** What registering reads (releases, the route's stable) and writes (blobs, the release, its receipt). */
export type RegisterStore = ReleaseStore & Pick<RouteStateStore, 'getRoute'> & Transactional<ReleaseStore & AuditStore>;

/**
 * Whole-file checks of the dataset a release carries, run before anything is
 * written (the gate's own suite and anchor parsers, handed in by the caller):
 * a suite the gate would refuse is refused at register, naming file and line.
 */
export interface DatasetChecks {
  suite(file: string, bytes: Uint8Array): void;
  anchors(file: string, bytes: Uint8Array): void;
}

export interface RegisterInput {
  readonly store: RegisterStore;
  readonly config: SluiceConfig;
  readonly projectDir: string;
  readonly file: string;
  readonly actor: string;
  readonly clock: Clock;
  readonly checkDataset: DatasetChecks;
  /** Records the register receipt in the same transaction as the release. */
  readonly ledger?: Ledger;
}

export interface RegisterResult {
  readonly release: ReleaseRecord;
  /** False when the same content was registered before (nothing was written). */
  readonly created: boolean;
  /** The log index of the register receipt (null when nothing was written or no ledger). */
  readonly receipt: number | null;
}

function registerDecision(release: ReleaseRecord, providerKind: string | undefined): Decision {
  const m = release.manifest;
  const evidence: Record<string, Digest> = { preprocessing: m.preprocessing.digest };
  if (m.prompt.system) evidence.prompt_system = m.prompt.system.digest;
  if (m.prompt.user) evidence.prompt_user = m.prompt.user.digest;
  if (m.dataset) evidence.suite = m.dataset.suite.digest;
  return {
    kind: 'register',
    subject: release.id,
    actor: release.actor,
    at: new Date(release.createdAt),
    route: release.name,
    what: {
      baseline: release.baseline,
      changes: [...release.changes],
      acknowledged: [...m.acknowledge],
      version: m.metadata.version ?? null,
    },
    evidence,
    weights: weightsClaim(m, providerKind),
  };
}

async function explicitBaseline(
  input: RegisterInput,
  text: string,
  fail: (msg: string) => never,
): Promise<ReleaseRecord> {
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

  if (!(m.model.provider in config.providers))
    failAt(source, ['model', 'provider'], `unknown provider "${m.model.provider}"`);
  m.routing.forEach((rule, i) => {
    if (!(rule.model.provider in config.providers)) {
      failAt(source, ['routing', i, 'model', 'provider'], `unknown provider "${rule.model.provider}"`);
    }
  });

  const explicit =
    m.baseline === undefined
      ? undefined
      : await explicitBaseline(input, m.baseline, (msg) => failAt(source, ['baseline'], msg));
  const { manifest, blobs } = resolveManifest(m, source, projectDir, explicit?.id);
  const dataset = manifest.dataset;
  if (dataset) {
    input.checkDataset.suite(dataset.suite.path, blobs.get(dataset.suite.digest)!);
    if (dataset.anchors) input.checkDataset.anchors(dataset.anchors.path, blobs.get(dataset.anchors.digest)!);
  }
  const id = releaseId(manifest);

  const existing = await store.getRelease(id);
  if (existing) return { release: existing, created: false, receipt: null };
  await checkWeights(m.model, source, projectDir);

  let baseline = explicit;
  if (!baseline) {
    const stable = (await store.getRoute(m.name))?.stable;
    baseline = stable ? await store.getRelease(stable) : undefined;
  }
  const changes: Component[] = baseline ? changedComponents(baseline.manifest, manifest) : [];
  const rule = checkOneChange(changes, m.acknowledge);
  if (!rule.ok) {
    throw new SluiceError(
      'refused',
      `${input.file}: refused against baseline ${shortId(baseline!.id)}: ${rule.error.message}`,
      {
        detail: rule.error.fix,
      },
    );
  }

  const release: ReleaseRecord = {
    id: id as ReleaseId,
    name: m.name,
    manifest,
    baseline: baseline?.id ?? null,
    changes,
    actor: input.actor,
    createdAt: dateOf(input.clock).toISOString(),
  };
  const receipt = await store.transaction(
    async (tx) => {
      for (const bytes of blobs.values()) await tx.putBlob(bytes);
      const { inserted } = await tx.insertRelease(release);
      if (!inserted) return undefined;
      if (!input.ledger) return null;
      const [index] = await input.ledger.recordIn(
        tx,
        registerDecision(release, config.providers[m.model.provider]?.kind),
      );
      return index ?? null;
    },
    { lock: AUDIT_LOCK },
  );
  if (receipt === undefined) return { release: (await store.getRelease(id)) ?? release, created: false, receipt: null };
  return { release, created: true, receipt };
}
