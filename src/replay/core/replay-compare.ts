import { ROOT_SLICE, sliceChain } from '../../kernel/slice-tree.js';
import { mean, pairedBootstrapMeanDiff, type BootstrapOptions, type Interval } from '../../stats/index.js';

/**
 * Replay against production: the same recorded inputs, scored once as
 * production served them and once as a release re-ran them, paired by
 * trace id. Per slice (each trace also counts in its slice's ancestors and
 * in `*`): n pairs, the two means, and delta = replay − production with a
 * paired-bootstrap percentile interval (seeded, so reproducible).
 *
 * A trace's slice is the one production recorded. A trace scored on one
 * side only, or whose score on either side is null (a judge error), is not
 * paired; both are counted. A trace id given twice on one side is an error.
 */

export interface ScoredTrace {
  readonly traceId: string;
  readonly slice: string;
  /** In [0, 1]; null for a judge error. */
  readonly score: number | null;
}

export interface ReplaySliceComparison {
  readonly slice: string;
  /** Traces scored on both sides. */
  readonly n: number;
  readonly replayMean: number | null;
  readonly productionMean: number | null;
  /** replay − production over the pairs; null when n = 0. */
  readonly delta: number | null;
  /** Paired-bootstrap interval of the delta; null with fewer than 2 pairs. */
  readonly ci: Interval | null;
}

export interface ReplayComparison {
  readonly overall: ReplaySliceComparison;
  readonly slices: readonly ReplaySliceComparison[];
  /** Trace ids on one side only. */
  readonly unmatched: { readonly replayOnly: number; readonly productionOnly: number };
  /** Traces on both sides with a null score on at least one. */
  readonly unscored: number;
}

export interface ReplayCompareOptions extends BootstrapOptions {
  /** Two-sided miscoverage; default 0.05. */
  readonly alpha?: number;
}

function index(side: string, traces: readonly ScoredTrace[]): Map<string, ScoredTrace> {
  const out = new Map<string, ScoredTrace>();
  traces.forEach((t, i) => {
    if (out.has(t.traceId)) throw new RangeError(`${side}[${i}]: trace ${t.traceId} appears twice`);
    if (t.score !== null && !(typeof t.score === 'number' && t.score >= 0 && t.score <= 1)) {
      throw new RangeError(`${side}[${i}]: score must be in [0, 1] or null, got ${String(t.score)}`);
    }
    out.set(t.traceId, t);
  });
  return out;
}

function compareSlice(
  slice: string,
  pairs: readonly { replay: number; production: number }[],
  opts: ReplayCompareOptions,
): ReplaySliceComparison {
  if (pairs.length === 0) return { slice, n: 0, replayMean: null, productionMean: null, delta: null, ci: null };
  const replay = pairs.map((p) => p.replay);
  const production = pairs.map((p) => p.production);
  const replayMean = mean(replay);
  const productionMean = mean(production);
  let ci: Interval | null = null;
  let delta = mean(replay.map((r, i) => r - production[i]!));
  if (pairs.length >= 2) {
    const b = pairedBootstrapMeanDiff(replay, production, {
      ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}),
      ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
    delta = b.estimate;
    ci = { lower: b.lower, upper: b.upper };
  }
  return { slice, n: pairs.length, replayMean, productionMean, delta, ci };
}

export function compareReplay(
  replay: readonly ScoredTrace[],
  production: readonly ScoredTrace[],
  opts: ReplayCompareOptions = {},
): ReplayComparison {
  const rep = index('replay', replay);
  const prod = index('production', production);
  const bySlice = new Map<string, { replay: number; production: number }[]>();
  let productionOnly = 0;
  let unscored = 0;
  for (const p of production) {
    const r = rep.get(p.traceId);
    if (!r) {
      productionOnly++;
      continue;
    }
    if (r.score === null || p.score === null) {
      unscored++;
      continue;
    }
    for (const s of sliceChain(p.slice)) {
      const list = bySlice.get(s) ?? [];
      list.push({ replay: r.score, production: p.score });
      bySlice.set(s, list);
    }
  }
  let replayOnly = 0;
  for (const r of replay) if (!prod.has(r.traceId)) replayOnly++;
  const names = [...bySlice.keys()].filter((s) => s !== ROOT_SLICE).sort();
  return {
    overall: compareSlice(ROOT_SLICE, bySlice.get(ROOT_SLICE) ?? [], opts),
    slices: names.map((s) => compareSlice(s, bySlice.get(s)!, opts)),
    unmatched: { replayOnly, productionOnly },
    unscored,
  };
}
