import { jsonDigest } from '../kernel/canonical-json.js';
import type { Judge, JudgeInput, JudgeResult } from './judge.js';

/** A stored score row: the content's digest and the judge's result as JSON. */
export interface ScoreRow {
  readonly subject: string;
  readonly result: string;
}

/** What a score is cached under: the digest of the input, the output and the reference. */
export function scoreSubject(input: Pick<JudgeInput, 'input' | 'output' | 'reference'>): string {
  return jsonDigest({ input: input.input, output: input.output, reference: input.reference ?? null });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const optional = (v: unknown, type: 'number' | 'boolean' | 'string'): boolean => v === undefined || typeof v === type;

/** A stored result read back: a successful JudgeResult, or undefined when the text is not one (it is judged again). */
export function parseStoredResult(text: string): Extract<JudgeResult, { ok: true }> | undefined {
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
 * Judge results by judge digest and content (see scoreSubject): the rows
 * read from the store, and the fresh ones waiting to be written. Only
 * successful results are cached. With `remember`, a fresh result is reused
 * within the run too; without it only the stored rows are (a long gate run
 * would otherwise hold every score in memory).
 */
export class ScoreCache {
  private readonly pending = new Map<string, ScoreRow[]>();

  constructor(
    private readonly known: Map<string, Map<string, string>>,
    private readonly opts: { readonly remember?: boolean } = {},
  ) {}

  get(judge: Judge, subject: string): JudgeResult | undefined {
    const text = this.known.get(judge.digest)?.get(subject);
    return text === undefined ? undefined : parseStoredResult(text);
  }

  put(judge: Judge, subject: string, result: JudgeResult): void {
    if (!result.ok) return;
    const text = JSON.stringify(result);
    if (this.opts.remember) {
      const known = this.known.get(judge.digest) ?? new Map<string, string>();
      known.set(subject, text);
      this.known.set(judge.digest, known);
    }
    const rows = this.pending.get(judge.digest) ?? [];
    rows.push({ subject, result: text });
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
