import { jsonDigest } from '../kernel/canonical-json.js';
import { BatchedLookup } from './batched-lookup.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';
import type { JudgeScoreStore, ScoreRow, StoredJudgeResult } from './judge-score-store.js';

/** What a score is cached under: the digest of the input, the output and the reference. */
export function scoreSubject(input: Pick<JudgeInput, 'input' | 'output' | 'reference'>): string {
  return jsonDigest({ input: input.input, output: input.output, reference: input.reference ?? null });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const optional = (v: unknown, type: 'number' | 'boolean' | 'string'): boolean => v === undefined || typeof v === type;

/** A stored result read back: a successful JudgeResult, or undefined when the text is not one (it is judged again). */
export function parseStoredResult(text: string): StoredJudgeResult | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v.ok !== true || typeof v.score !== 'number') return undefined;
  if (!optional(v.raw, 'number') || !optional(v.flagged, 'boolean') || !optional(v.reason, 'string')) return undefined;
  return {
    ok: true,
    score: v.score,
    ...(typeof v.raw === 'number' ? { raw: v.raw } : {}),
    ...(typeof v.flagged === 'boolean' ? { flagged: v.flagged } : {}),
    ...(typeof v.reason === 'string' ? { reason: v.reason } : {}),
  };
}

/**
 * Judge results by judge digest and content (see scoreSubject): read from the
 * store for the subjects the run scores (lookups made together go as one
 * query), and the fresh ones waiting to be written. Only successful results
 * are cached. With `remember`, a fresh result is reused within the run too;
 * without it only the stored rows are (a long gate run would otherwise hold
 * every score in memory).
 */
export class ScoreCache {
  private readonly pending = new Map<string, ScoreRow[]>();
  private readonly fresh = new Map<string, Map<string, StoredJudgeResult>>();
  private readonly lookups = new Map<string, BatchedLookup<StoredJudgeResult>>();

  constructor(
    private readonly store: Pick<JudgeScoreStore, 'judgeScores'>,
    private readonly opts: { readonly remember?: boolean } = {},
  ) {}

  async get(judge: Judge, subject: string): Promise<JudgeResult | undefined> {
    const remembered = this.fresh.get(judge.digest)?.get(subject);
    if (remembered) return remembered;
    let lookup = this.lookups.get(judge.digest);
    if (!lookup) {
      lookup = new BatchedLookup((subjects) => this.store.judgeScores(judge.digest, subjects));
      this.lookups.set(judge.digest, lookup);
    }
    return lookup.get(subject);
  }

  put(judge: Judge, subject: string, result: JudgeResult): void {
    if (!result.ok) return;
    if (this.opts.remember) {
      const fresh = this.fresh.get(judge.digest) ?? new Map<string, StoredJudgeResult>();
      fresh.set(subject, result);
      this.fresh.set(judge.digest, fresh);
    }
    const rows = this.pending.get(judge.digest) ?? [];
    rows.push({ subject, result });
    this.pending.set(judge.digest, rows);
  }

  get hasPending(): boolean {
    for (const rows of this.pending.values()) if (rows.length > 0) return true;
    return false;
  }

  /** The fresh rows by judge digest, handed over once (the cache lets them go). */
  takePending(): (readonly [string, ScoreRow[]])[] {
    const out = [...this.pending].filter(([, rows]) => rows.length > 0);
    this.pending.clear();
    return out;
  }
}
