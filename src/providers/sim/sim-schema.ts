/**
 * The simulator's models file (a `kind: sim` provider's `models:`), e.g.
 *
 *   knowledge: suites/legal.jsonl     # suite JSONL: input → {slice, reference}
 *   models:
 *     legal-v1:
 *       quality: { "*": 0.85, legal/ip-licensing: 0.41 }   # most specific slice prefix wins
 *       latency_ms: { median: 300, p95: 800 }               # lognormal
 *       answer_tokens: { median: 120, p95: 400 }            # lognormal, in words
 *       error_rate: 0.0                                     # HTTP 500
 *       fail_after_tokens: 2400                             # 504 / cut stream past this length
 *       hedging_rate: 0.0                                   # "You should consult an attorney…"
 *       invented_date_rate: 0.0                             # "Thursday, March 32nd"
 *       rules:                                              # first match wins
 *         - { when: { system_lacks: "refuse" }, slices: [safety], quality: 0.2 }
 *         - { when: { matches: "\\b[A-Z]{2}\\b" }, quality: 0.3 }
 *
 * An answer with a reference is the reference with each word kept with
 * probability `quality` (so token-F1 ≈ quality); without one, a generic answer
 * of `answer_tokens` words. `fail_after_tokens` applies to the longer of the
 * drawn length and the text, capped by the request's max_tokens (a capped
 * answer is truncated, not failed). Paths are relative to the project.
 */
import { z } from 'zod';
import { fraction, positiveInt, projectPathSchema, regExpSchema, slicePathSchema } from '../../config/common-schema.js';

const sliceKey = z.union([z.literal('*'), slicePathSchema]);

/** A lognormal distribution given by its median and 95th percentile. */
export const distributionSchema = z
  .strictObject({ median: z.number().positive(), p95: z.number().positive() })
  .refine((d) => d.p95 >= d.median, 'p95 must be at least the median');

/** Quality per slice (the most specific prefix wins), or one number for every slice. */
const qualitySchema = z.union([fraction.transform((q) => ({ '*': q })), z.record(sliceKey, fraction)]);

const behaviourFields = {
  error_rate: fraction.optional().describe('fraction of calls that answer HTTP 500'),
  fail_after_tokens: positiveInt
    .optional()
    .describe('answers longer than this time out (504) or have their stream cut'),
  hedging_rate: fraction
    .optional()
    .describe('fraction of answers replaced by a hedge ("You should consult an attorney…")'),
  invented_date_rate: fraction
    .optional()
    .describe('fraction of answers given an impossible date ("Thursday March 32nd")'),
  latency_ms: distributionSchema.optional(),
  answer_tokens: distributionSchema.optional().describe('length of an answer in tokens (words), lognormal'),
};

export const simRuleSchema = z.strictObject({
  when: z
    .strictObject({
      system_lacks: z
        .string()
        .min(1)
        .optional()
        .describe('the system prompt does not contain this text (case-insensitive)'),
      system_contains: z.string().min(1).optional(),
      matches: regExpSchema('u').optional().describe('a regex tested on system + user text'),
    })
    .default({}),
  slices: z.array(sliceKey).min(1).optional().describe('only for these slices and the slices under them'),
  quality: fraction.optional(),
  ...behaviourFields,
});

export const simModelSchema = z.strictObject({
  quality: qualitySchema.default({ '*': 0.8 }),
  ...behaviourFields,
  rules: z.array(simRuleSchema).default([]),
});

export const simFileSchema = z.strictObject({
  knowledge: projectPathSchema.optional().describe('suite JSONL whose items give input → {slice, reference}'),
  models: z.record(z.string().min(1), simModelSchema),
});

export type SimFile = z.output<typeof simFileSchema>;
export type SimModel = z.output<typeof simModelSchema>;
export type SimRule = z.output<typeof simRuleSchema>;
export type Distribution = z.output<typeof distributionSchema>;

export const DEFAULT_BEHAVIOUR = {
  latency_ms: { median: 300, p95: 800 },
  answer_tokens: { median: 80, p95: 250 },
  error_rate: 0,
  hedging_rate: 0,
  invented_date_rate: 0,
} as const;

/** The model every name gets when the provider has no models file. */
export const DEFAULT_SIM_MODEL: SimModel = { quality: { '*': 0.8 }, rules: [] };
