import { blobBytes } from '../../../gate/gate-judges.js';
import type { GateResult } from '../../../gate/core/gate-result.js';
import type { CachedOutput, GateStore } from '../../../gate/gate-store.js';
import { parseSuite, type SuiteItem } from '../../../gate/suite.js';
import type { JudgeScoreStore, StoredJudgeResult } from '../../../judging/judge-score-store.js';
import { scoreSubject } from '../../../judging/score-cache.js';
import { detectorFlag } from '../../../judging/score.js';
import { inSubtree } from '../../../kernel/slice-tree.js';
import type { BlobStore } from '../../../release/release-store.js';
import type { ResolvedManifest } from '../../../release/resolved-manifest.js';

/** One arm's answer to an item as the gate cached it, with the judges' cached verdicts on it. */
export interface ArmAnswer {
  readonly answer: string;
  /** The quality judge's score in [0, 1] (before calibration); null when no score is stored. */
  readonly score: number | null;
  readonly raw: number | null;
  readonly reason: string | null;
  /** Detector name → flagged, for the detectors whose result is stored. */
  readonly flags: Readonly<Record<string, boolean>>;
  readonly latency_ms: number;
}

export interface GateItemView {
  readonly id: string;
  readonly slice: string;
  readonly input: string;
  readonly reference: string | null;
  readonly candidate: ArmAnswer | null;
  readonly baseline: ArmAnswer | null;
  /** candidate − baseline score; null when either is missing. */
  readonly delta: number | null;
}

type ItemStore = Pick<GateStore, 'gateOutputs'> & Pick<JudgeScoreStore, 'judgeScores'> & Pick<BlobStore, 'getBlob'>;

const SAMPLE = 0;

async function scoresFor(
  store: ItemStore,
  digest: string | undefined,
  subjects: string[],
): Promise<Map<string, StoredJudgeResult>> {
  return digest && subjects.length > 0 ? store.judgeScores(digest, subjects) : new Map();
}

/**
 * The gate's items for a release, read back from what the gate cached (the
 * served answers and the judges' scores, by content): no model or judge is
 * called. Sorted most regressed first (candidate − baseline, then the
 * candidate's own score), optionally only one slice's subtree, one page.
 */
export async function gateItems(
  store: ItemStore,
  manifest: ResolvedManifest,
  result: GateResult,
  q: { slice?: string; offset: number; limit: number },
): Promise<{ total: number; items: GateItemView[]; judge: string | null }> {
  const suiteRef = manifest.dataset?.suite;
  if (!suiteRef) return { total: 0, items: [], judge: result.judge };
  const suite: SuiteItem[] = parseSuite(suiteRef.path, await blobBytes(store, suiteRef.digest, suiteRef.path));
  const chosen = q.slice ? suite.filter((i) => inSubtree(i.slice, q.slice!)) : suite;
  const [candidateOut, baselineOut] = await Promise.all([
    store.gateOutputs(result.release, SAMPLE),
    result.baseline ? store.gateOutputs(result.baseline, SAMPLE) : Promise.resolve(new Map<string, CachedOutput>()),
  ]);
  const subjectOf = (item: SuiteItem, out: CachedOutput | undefined) =>
    out
      ? scoreSubject({ input: out.input, output: out.text, ...(item.reference ? { reference: item.reference } : {}) })
      : undefined;
  const subjects = chosen.flatMap((i) =>
    [subjectOf(i, candidateOut.get(i.id)), subjectOf(i, baselineOut.get(i.id))].filter((s): s is string => !!s),
  );
  const judged = result.judged_with;
  const quality = await scoresFor(store, judged?.judge?.digest, subjects);
  const detectors = await Promise.all(
    (judged?.detectors ?? []).map(async (d) => [d.name, await scoresFor(store, d.digest, subjects)] as const),
  );
  const arm = (item: SuiteItem, out: CachedOutput | undefined): ArmAnswer | null => {
    if (!out) return null;
    const subject = subjectOf(item, out)!;
    const q = quality.get(subject);
    const flags: Record<string, boolean> = {};
    for (const [name, scores] of detectors) {
      const r = scores.get(subject);
      if (r) flags[name] = detectorFlag(r);
    }
    return {
      answer: out.text,
      score: q?.score ?? null,
      raw: q?.raw ?? null,
      reason: q?.reason ?? null,
      flags,
      latency_ms: out.latencyMs,
    };
  };
  const views: GateItemView[] = chosen.map((item) => {
    const candidate = arm(item, candidateOut.get(item.id));
    const baseline = arm(item, baselineOut.get(item.id));
    const delta = candidate?.score != null && baseline?.score != null ? candidate.score - baseline.score : null;
    return {
      id: item.id,
      slice: item.slice,
      input: candidateOut.get(item.id)?.input ?? baselineOut.get(item.id)?.input ?? '',
      reference: item.reference ?? null,
      candidate,
      baseline,
      delta,
    };
  });
  const key = (v: GateItemView) => v.delta ?? (v.candidate?.score ?? 1) - 1;
  views.sort((a, b) => key(a) - key(b) || a.id.localeCompare(b.id));
  return { total: views.length, items: views.slice(q.offset, q.offset + q.limit), judge: result.judge };
}
