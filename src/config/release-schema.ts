import { z } from 'zod';
import { digestSchema, nameSchema, positiveInt, projectPathSchema, regExpSchema } from './common-schema.js';

/** The six components the one-change rule compares. */
export const COMPONENTS = ['model', 'prompt', 'routing', 'preprocessing', 'params', 'dataset'] as const;
export type Component = (typeof COMPONENTS)[number];

export const modelRefSchema = z.strictObject({
  provider: nameSchema,
  name: z.string().min(1),
  weights: z
    .strictObject({
      path: z.string().min(1).describe('the weights folder on this host (absolute, or relative to the project)'),
      digest: digestSchema.describe('OpenSSF model-signing root digest (sluice attest-weights)'),
      manifest: projectPathSchema
        .optional()
        .describe('the attest-weights manifest, so a mismatch names the first differing file'),
    })
    .optional(),
});

export const routingRuleSchema = z.strictObject({
  match: z.strictObject({ header: z.string().min(1), equals: z.string() }),
  model: modelRefSchema,
});

export const preprocessStepSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('trim'), field: z.string().optional() }),
  z.strictObject({ op: z.literal('collapse_whitespace'), field: z.string().optional() }),
  z.strictObject({ op: z.literal('lowercase'), field: z.string().optional() }),
  z.strictObject({ op: z.literal('uppercase'), field: z.string().optional() }),
  z.strictObject({ op: z.literal('unicode_nfc'), field: z.string().optional() }),
  z.strictObject({ op: z.literal('strip_html'), field: z.string().optional() }),
  z.strictObject({ op: z.literal('max_chars'), max: positiveInt, field: z.string().optional() }),
  z.strictObject({
    op: z.literal('replace'),
    pattern: regExpSchema('g'),
    with: z.string(),
    field: z.string().optional(),
  }),
]);

export const paramsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: positiveInt.optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).optional(),
  presence_penalty: z.number().optional(),
  frequency_penalty: z.number().optional(),
});

/** The sampling parameters a release may own; a client's value for one passes only when it is in params_overridable. */
export const PARAM_NAMES = paramsSchema.keyof().options;
export type ParamName = (typeof PARAM_NAMES)[number];

export const releaseManifestSchema = z.strictObject({
  $schema: z.string().optional(),
  name: nameSchema.describe('the route: clients call it as "model"'),
  model: modelRefSchema,
  embeddings: modelRefSchema
    .optional()
    .describe('the model POST /v1/embeddings calls on this route are served by (part of the model component)'),
  routing: z.array(routingRuleSchema).default([]),
  prompt: z
    .strictObject({
      system: projectPathSchema.optional(),
      user: projectPathSchema.optional(),
      vars: z
        .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a prompt variable name'), z.string())
        .optional()
        .describe('defaults for prompt variables a request does not set (metadata or x-sluice-var-NAME)'),
    })
    .default({}),
  preprocessing: z.array(preprocessStepSchema).default([]),
  params: paramsSchema.default({}),
  params_overridable: z
    .array(z.enum(PARAM_NAMES))
    .optional()
    .describe("params a client's request may override (by default the release's params win)"),
  dataset: z.strictObject({ suite: projectPathSchema, anchors: projectPathSchema.optional() }).optional(),
  baseline: z
    .string()
    .regex(/^(sha256:)?[0-9a-f]{4,64}$/, 'expected a release id or a unique hex prefix')
    .optional(),
  acknowledge: z.array(z.enum(COMPONENTS)).default([]),
  metadata: z
    .strictObject({
      version: z.string().optional(),
      license: z.string().optional(),
      allowed_uses: z.array(z.string()).optional(),
      residency: z.string().optional(),
      owner: z.string().optional(),
      description: z.string().optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .default({}),
});

export type ReleaseManifest = z.output<typeof releaseManifestSchema>;
export type ModelRef = z.output<typeof modelRefSchema>;
export type PreprocessStep = z.output<typeof preprocessStepSchema>;
