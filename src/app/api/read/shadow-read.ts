import type { JudgeScoreStore } from '../../../judging/judge-score-store.js';
import { scoreSubject } from '../../../judging/score-cache.js';
import type { ShadowPairRecord, ShadowStore } from '../../../shadow/shadow-store.js';
import { pageOf } from './paging.js';

interface Tally {
  slice: string;
  pairs: number;
  judged: number;
  shadow_wins: number;
  stable_wins: number;
  ties: number;
}

const PAIR_TEXT = 2000;
const cut = (s: string) => (s.length > PAIR_TEXT ? `${s.slice(0, PAIR_TEXT)}…` : s);

/**
 * A route's shadow: per slice, how often the shadow's answer beat the stable's
 * by the gate judge's stored scores of each answer (no judge is called here:
 * pairs not yet scored count as unjudged), and one page of the pairs behind
 * the numbers, newest first.
 */
export async function shadowView(
  store: Pick<ShadowStore, 'shadowPairs' | 'shadows'> & Pick<JudgeScoreStore, 'judgeScores'>,
  judgeDigest: string | null,
  route: string,
  q: URLSearchParams,
) {
  const setting = (await store.shadows()).find((s) => s.route === route) ?? null;
  const release = q.get('release') ?? setting?.releaseId;
  const all: ShadowPairRecord[] = await store.shadowPairs({ route, ...(release ? { shadowRelease: release } : {}) });
  const subjects = all.flatMap((p) => [
    scoreSubject({ input: p.input, output: p.stableOutput }),
    scoreSubject({ input: p.input, output: p.shadowOutput }),
  ]);
  const scores = judgeDigest ? await store.judgeScores(judgeDigest, subjects) : new Map();
  const bySlice = new Map<string, Tally>();
  const rows = all.map((p) => {
    const slice = p.slice ?? '*';
    const t = bySlice.get(slice) ?? { slice, pairs: 0, judged: 0, shadow_wins: 0, stable_wins: 0, ties: 0 };
    const a = scores.get(scoreSubject({ input: p.input, output: p.stableOutput }))?.score ?? null;
    const b = scores.get(scoreSubject({ input: p.input, output: p.shadowOutput }))?.score ?? null;
    t.pairs++;
    let winner: 'shadow' | 'stable' | 'tie' | null = null;
    if (a !== null && b !== null) {
      t.judged++;
      winner = b > a ? 'shadow' : a > b ? 'stable' : 'tie';
      if (winner === 'shadow') t.shadow_wins++;
      else if (winner === 'stable') t.stable_wins++;
      else t.ties++;
    }
    bySlice.set(slice, t);
    return { p, slice, stable_score: a, shadow_score: b, winner };
  });
  const slice = q.get('slice');
  const page = pageOf(q, { limit: 20, max: 100 });
  const chosen = rows.filter((r) => !slice || r.slice === slice).reverse();
  return {
    route,
    shadow: setting,
    release: release ?? null,
    slices: [...bySlice.values()]
      .map((t) => ({ ...t, win_rate: t.judged > 0 ? (t.shadow_wins + t.ties / 2) / t.judged : null }))
      .sort((a, b) => a.slice.localeCompare(b.slice)),
    total: chosen.length,
    ...page,
    pairs: chosen.slice(page.offset, page.offset + page.limit).map((r) => ({
      id: r.p.id,
      slice: r.slice,
      at: r.p.createdAt,
      input: cut(r.p.input),
      stable: {
        release: r.p.stableRelease,
        answer: cut(r.p.stableOutput),
        score: r.stable_score,
        latency_ms: r.p.stableLatencyMs,
      },
      shadow: {
        release: r.p.shadowRelease,
        answer: cut(r.p.shadowOutput),
        score: r.shadow_score,
        latency_ms: r.p.shadowLatencyMs,
      },
      winner: r.winner,
    })),
  };
}
