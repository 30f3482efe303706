import { err, ok, type Problem, type Result } from '../kernel/result.js';
import type { ModelProvider } from '../providers/model-provider.js';
import type { Judge } from './judge.js';
import { errorMessage, judgeError } from './judge-library.js';
import { referenceCompareJudge } from './reference-compare.js';

/** The cosine, or `bad_embedding` when the two vectors have none. */
export type CosineResult = Result<number, Problem<'bad_embedding'>>;

export function cosine(a: readonly number[], b: readonly number[]): CosineResult {
  if (a.length === 0 || a.length !== b.length)
    return err('bad_embedding', `embedding lengths differ or are empty (${a.length}, ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (!Number.isFinite(dot) || !Number.isFinite(na) || !Number.isFinite(nb))
    return err('bad_embedding', 'embedding holds a non-finite number');
  if (na === 0 || nb === 0) return err('bad_embedding', 'embedding is the zero vector');
  return ok(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb))));
}

export interface SimilarityJudgeOptions {
  readonly name: string;
  readonly provider: ModelProvider;
  readonly providerName: string;
  readonly model: string;
}

/**
 * Cosine similarity of the embeddings of the output and the item's reference,
 * scored max(0, cos); `raw` is the cosine. No reference, no embeddings or a
 * provider failure: judge error.
 */
export function similarityJudge(o: SimilarityJudgeOptions): Judge {
  const settings = { provider: o.providerName, model: o.model };
  return referenceCompareJudge(o.name, 'similarity', settings, async (output, reference, item) => {
    const embed = o.provider.embed?.bind(o.provider);
    if (!embed) return judgeError(`provider "${o.providerName}" has no embeddings`);
    let vectors: number[][];
    try {
      vectors = await embed(o.model, [output, reference], item.signal);
    } catch (e) {
      return judgeError(`embedding call failed: ${errorMessage(e)}`);
    }
    const [a, b] = vectors;
    if (vectors.length !== 2 || !a || !b) return judgeError(`expected 2 embeddings, got ${vectors.length}`);
    const c = cosine(a, b);
    if (!c.ok) return judgeError(c.error.message);
    return { ok: true, score: Math.max(0, c.value), raw: c.value };
  });
}
