import { z } from 'zod';
import { isDigest, type Digest } from '../kernel/digest.js';
import type { GateResult, SliceResult } from './core/gate-result.js';
import type { CachedOutput } from './gate-store.js';

/** The stored forms of what the gate keeps, parsed once where the store reads them. */

const releaseId = z.custom<Digest>((v) => isDigest(v), 'not a release id (sha256:<64 hex>)');
const verdict = z.enum(['pass', 'fail', 'review']);
const interval = z.tuple([z.number(), z.number()]);
const n = z.number().nullable();
const checkOutcome = z.enum(['pass', 'fail', 'inconclusive']);

const sliceResult: z.ZodType<SliceResult> = z.object({
  slice: z.string(),
  n: z.number(),
  score: n,
  ci: interval.nullable(),
  min: n,
  baseline_score: n,
  delta: n,
  calibration: n,
  judge_errors: z.number(),
  verdict,
  reasons: z.array(z.string()),
  delta_ci: interval.nullable(),
  max_drop: n,
  min_items: z.number(),
  non_inferior: z.boolean().nullable(),
  p_holm: n,
  calibration_ci: interval.nullable(),
  calibration_source: z.string().nullable(),
  item_errors: z.number(),
  ppi: z.object({ n_human: z.number(), estimate: z.number(), ci: interval }).nullable(),
  p_fail: n.optional(),
  mdd: n.optional(),
  outcomes: z.object({ min: checkOutcome.nullable(), drop: checkOutcome.nullable() }).optional(),
});

const judgeDigests = z.object({ name: z.string(), digest: z.string(), config: z.string() });

export const gateResultSchema: z.ZodType<GateResult> = z.object({
  release: releaseId,
  baseline: releaseId.nullable(),
  verdict,
  aggregate: z.object({ n: z.number(), score: n }),
  slices: z.array(sliceResult),
  detectors: z.record(z.string(), n),
  latency_p95_ms: n,
  error_rate: z.number(),
  override: z.object({ actor: z.string(), reason: z.string(), at: z.string() }).nullable(),
  receipt: n,
  preprocessing_digest: z.string(),
  judge: z.string().nullable(),
  judged_with: z
    .object({ judge: judgeDigests.nullable(), detectors: z.array(judgeDigests), anchors: z.string().nullable() })
    .optional(),
  checks: z.array(
    z.object({
      name: z.string(),
      value: n,
      limit: z.union([z.number(), z.string()]),
      ok: z.boolean(),
      kind: z.enum(['hard', 'soft']),
      message: z.string(),
    }),
  ),
  cost_usd: z.number(),
  tokens: z.number(),
  baseline_latency_p95_ms: n,
  baseline_cost_usd: n,
  partial: z.object({ reason: z.string(), items_done: z.number(), items_total: z.number() }).nullable(),
  item_errors: z
    .array(
      z.object({
        arm: z.enum(['candidate', 'baseline']),
        message: z.string(),
        count: z.number(),
        first_item: z.string(),
      }),
    )
    .optional(),
  decision: z
    .object({
      multiplicity: z.enum(['holm', 'bh', 'none']),
      alpha_fail: z.number(),
      alpha_pass: z.number(),
      power: z.number(),
    })
    .optional(),
  digest: z.string(),
  at: z.string(),
});

export const verdictSchema = verdict;

export const cachedOutputSchema: z.ZodType<CachedOutput> = z.object({
  input: z.string(),
  text: z.string(),
  toolCalls: z
    .array(
      z.object({
        id: z.string(),
        type: z.literal('function'),
        function: z.object({ name: z.string(), arguments: z.string() }),
      }),
    )
    .optional(),
  latencyMs: z.number(),
  costUsd: z.number(),
  tokens: z.number(),
});
