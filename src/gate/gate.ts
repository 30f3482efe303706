import { type Clock, dateOf } from '../kernel/clock.js';
import type { SluiceConfig } from '../config/sluice-schema.js';
import { jsonDigest } from '../kernel/canonical-json.js';
import { SluiceError } from '../kernel/errors.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { ServingRelease } from '../serving/serving-release.js';
import type { BlobStore } from '../release/release-store.js';
import type { RunItemsStore } from './run-items.js';
import type { GateResult } from './core/gate-result.js';
import { preprocessDigest } from '../release/preprocess.js';
import { blobBytes, blobPacked, gateCalibration, judgedWith } from './gate-judges.js';
import { judgeSetOf, type JudgeSetup } from '../judging/judge-set.js';
import { runItems, type RunOptions } from './run-items.js';
import { checkSuite, parseSuite, sampleSuite, suiteItems, type SuiteItem } from './suite.js';
import { decideGate } from './core/verdict.js';

/** With the judge setup: sluice.yaml, the project folder, its providers and (optionally) its built judge set. */
export interface GateInput extends JudgeSetup {
  readonly store: RunItemsStore & Pick<BlobStore, 'getBlob'>;
  readonly config: SluiceConfig;
  readonly providers: ProviderRegistry;
  readonly release: ServingRelease;
  readonly baseline: ServingRelease | null;
  readonly sample?: number;
  readonly clock: Clock;
}

export interface GateRun {
  /** The result before it is recorded (receipt and override not yet set). */
  readonly result: GateResult;
  readonly providerCalls: number;
}

/** Runs the release's suite on the serving path and decides, per slice. Pure decisions; I/O at the edges. */
export async function runGate(input: GateInput, opts: RunOptions): Promise<GateRun> {
  const { release, store, config } = input;
  const suiteRef = release.manifest.dataset?.suite;
  if (!suiteRef) throw new SluiceError('bad_input', `release ${release.id} has no dataset.suite to gate on`);
  // The whole suite is checked first (bad input stops before any call); then it is parsed again as consumed.
  // Meanwhile it is held deflated (a 100,000-item suite is tens of MB as text), decoded a block at a time.
  let items: Iterable<SuiteItem>;
  let total: number;
  if (input.sample !== undefined) {
    const sampled = sampleSuite(
      parseSuite(suiteRef.path, await blobBytes(store, suiteRef.digest, suiteRef.path)),
      input.sample,
    );
    [items, total] = [sampled, sampled.length];
  } else {
    const suite = await blobPacked(store, suiteRef.digest, suiteRef.path);
    total = checkSuite(suiteRef.path, suite);
    items = suiteItems(suiteRef.path, suite, { checked: true });
  }
  const judges = judgeSetOf(input);
  const { judge, detectors } = judges;
  const calibration = await gateCalibration(input, judge);
  const run = await runItems(
    { store, deps: { providers: input.providers }, release, baseline: input.baseline, items, total, judges },
    opts,
  );
  const body = decideGate({
    measures: run.measures,
    gate: config.gate,
    calibration,
    detectors: Object.fromEntries(detectors.map((d) => [d.name, d.kind])),
    metadata: release.manifest.metadata,
    partial: run.stopped ? { reason: run.stopped, items_done: run.measures.length, items_total: total } : null,
  });
  const core = {
    release: release.id,
    baseline: input.baseline?.id ?? null,
    ...body,
    // What actually ran: the steps under this Sluice's preprocessing library (roll compares it with the release's own).
    preprocessing_digest: preprocessDigest(release.manifest.preprocessing.steps),
    judge: judge?.name ?? null,
    judged_with: judgedWith(input, judges),
    partial: run.stopped ? { reason: run.stopped, items_done: run.measures.length, items_total: total } : null,
    item_errors: run.errors.list(),
  };
  const result: GateResult = {
    ...core,
    override: null,
    receipt: null,
    digest: jsonDigest(core),
    at: dateOf(input.clock).toISOString(),
  };
  return { result, providerCalls: run.providerCalls };
}
