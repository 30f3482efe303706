import type { SluiceConfig } from '../config/sluice-schema.js';
import { jsonDigest } from '../core/canonical-json.js';
import type { Digest } from '../core/digest.js';
import { SluiceError } from '../core/errors.js';
import { loadAnchors, parseAnchors } from '../judges/anchors.js';
import { calibrate, type Calibration } from '../judges/calibration.js';
import { createJudge } from '../judges/create-judge.js';
import type { Judge } from '../judges/judge.js';
import type { ProviderRegistry } from '../serving/provider-registry.js';
import type { ServingRelease } from '../serving/serving-release.js';
import type { Store } from '../store/store.js';
import type { GateResult } from './gate-result.js';
import { preprocessDigest } from '../preprocess/preprocess.js';
import { runItems, type RunOptions } from './run-items.js';
import { parseSuite, sampleSuite } from './suite.js';
import { decideGate } from './verdict.js';

export interface GateInput {
  readonly store: Store;
  readonly config: SluiceConfig;
  readonly projectDir: string;
  readonly providers: ProviderRegistry;
  readonly release: ServingRelease;
  readonly baseline: ServingRelease | null;
  readonly sample?: number;
  readonly now: () => Date;
}

export interface GateRun {
  /** The result before it is recorded (receipt and override not yet set). */
  readonly result: GateResult;
  readonly providerCalls: number;
}

async function blobText(store: Store, digest: Digest, path: string): Promise<string> {
  const b = await store.getBlob(digest);
  if (!b) throw new SluiceError('not_found', `${path} (${digest}) is missing from the store`);
  return b.toString('utf8');
}

function judgesFor(input: GateInput): { judge: Judge | null; detectors: Judge[] } {
  const { config, projectDir, providers } = input;
  const make = (name: string) => createJudge(name, config.judges[name]!, { projectDir, providers: (p) => providers.get(p) });
  return { judge: config.gate.judge ? make(config.gate.judge) : null, detectors: config.gate.detectors.map(make) };
}

async function calibrationFor(input: GateInput, judge: Judge | null): Promise<Calibration | null> {
  if (!judge) return null;
  const { release, store, config, projectDir } = input;
  const cfg = config.judges[judge.name]!;
  const scale = cfg.kind === 'rubric' ? cfg.scale : undefined;
  const ref = release.manifest.dataset?.anchors;
  const written = config.judges[judge.name]?.anchors;
  const anchors = ref
    ? parseAnchors(ref.path, await blobText(store, ref.digest, ref.path), scale ? { scale } : {})
    : written
      ? loadAnchors(projectDir, written, { key: `judges.${judge.name}.anchors`, ...(scale ? { scale } : {}) })
      : null;
  // A slice needs 4 scored anchors of its own for a correlation; with fewer it uses its nearest ancestor's.
  return anchors && anchors.length > 0 ? calibrate(judge, anchors, { minAnchors: 4 }) : null;
}

/** Runs the release's suite on the serving path and decides, per slice. Pure decisions; I/O at the edges. */
export async function runGate(input: GateInput, opts: RunOptions): Promise<GateRun> {
  const { release, store, config } = input;
  const suiteRef = release.manifest.dataset?.suite;
  if (!suiteRef) throw new SluiceError('bad_input', `release ${release.id} has no dataset.suite to gate on`);
  let items = parseSuite(suiteRef.path, await blobText(store, suiteRef.digest, suiteRef.path));
  if (input.sample !== undefined) items = sampleSuite(items, input.sample);
  const { judge, detectors } = judgesFor(input);
  const calibration = await calibrationFor(input, judge);
  const run = await runItems({ store, deps: { providers: input.providers }, release, baseline: input.baseline, items, judge, detectors }, opts);
  const body = decideGate({
    measures: run.measures,
    gate: config.gate,
    calibration,
    detectors: Object.fromEntries(detectors.map((d) => [d.name, d.kind])),
    metadata: release.manifest.metadata,
    partial: run.stopped ? { reason: run.stopped, items_done: run.measures.length, items_total: items.length } : null,
  });
  const core = {
    release: release.id,
    baseline: input.baseline?.id ?? null,
    ...body,
    // What actually ran: the steps under this Sluice's preprocessing library (roll compares it with the release's own).
    preprocessing_digest: preprocessDigest(release.manifest.preprocessing.steps),
    judge: judge?.name ?? null,
    partial: run.stopped ? { reason: run.stopped, items_done: run.measures.length, items_total: items.length } : null,
  };
  const result: GateResult = { ...core, override: null, receipt: null, digest: jsonDigest(core), at: input.now().toISOString() };
  return { result, providerCalls: run.providerCalls };
}
