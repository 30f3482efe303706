import { z } from 'zod';
import {
  fraction,
  nameSchema,
  positiveInt,
  projectPathSchema,
  ratio,
  regExpSchema,
  slicePathSchema,
} from './common-schema.js';
import { notifySchema } from './notify-schema.js';
import { prometheusMonitorSchema, prometheusSchema } from './prometheus-schema.js';

/** The numeric thresholds of rollout.monitors; any other key is a Prometheus monitor. */

const providerKinds = ['openai-compatible', 'openai', 'anthropic', 'gemini', 'sim'] as const;

const priceSchema = z.strictObject({
  input_per_mtok: ratio.describe('price per million input tokens'),
  output_per_mtok: ratio.describe('price per million output tokens'),
});

export const providerSchema = z.strictObject({
  kind: z.enum(providerKinds),
  base_url: z.url().optional(),
  api_key_env: z.string().optional(),
  timeout_ms: positiveInt.default(30_000),
  max_concurrency: positiveInt.default(64),
  retries: z.number().int().min(0).default(2),
  max_response_bytes: positiveInt
    .default(64 * 1024 * 1024)
    .describe(
      'the largest answer body taken from this provider, streamed or not (a larger one is a 502 upstream_too_large)',
    ),
  max_sse_line_bytes: positiveInt
    .default(1024 * 1024)
    .describe(
      'the longest event-stream line taken from this provider (a longer one ends the stream: upstream_too_large)',
    ),
  stream_deadline_ms: positiveInt
    .default(600_000)
    .describe(
      'how long a streamed answer may take from request to end, however steadily it arrives (then: upstream_timeout)',
    ),
  max_output_chars: positiveInt
    .default(2_000_000)
    .describe(
      'the most characters of answer (text and tool-call arguments) a stream may deliver (then: upstream_too_large)',
    ),
  requests_per_minute: positiveInt.optional(),
  tokens_per_minute: positiveInt.optional(),
  prices: z.record(z.string(), priceSchema).optional(),
  models: projectPathSchema.optional().describe('sim: a YAML file describing the simulated models'),
  seed: z.number().int().optional().describe('sim: the seed that makes its answers reproducible'),
});

const judgeBase = {
  anchors: projectPathSchema.optional().describe('JSONL of human-rated outputs used to calibrate this judge per slice'),
  max_rate: fraction
    .optional()
    .describe(
      "as a detector in gate.detectors: the share of sampled production answers it may flag before the observer's window breaches (default: gate.hard.hallucination_rate for date-validity, 0.1 for refusal, no ceiling for other kinds)",
    ),
  human_scale: z
    .tuple([z.number(), z.number()])
    .refine(([lo, hi]) => lo < hi, 'human_scale must be [low, high] with low < high')
    .optional()
    .describe("the scale the anchors' human_score is on; default the judge's scale ([0, 1] for judges without one)"),
};

export const judgeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('rubric'),
    provider: nameSchema,
    model: z.string().min(1),
    rubric: projectPathSchema,
    scale: z.tuple([z.number(), z.number()]).default([1, 5]),
    ...judgeBase,
  }),
  z.strictObject({ kind: z.literal('reference'), ...judgeBase }),
  z.strictObject({ kind: z.literal('refusal'), ...judgeBase }),
  z.strictObject({ kind: z.literal('date-validity'), ...judgeBase }),
  z.strictObject({ kind: z.literal('exact'), ...judgeBase }),
  z.strictObject({ kind: z.literal('regex'), pattern: z.string(), flags: z.string().optional(), ...judgeBase }),
  z.strictObject({
    kind: z.literal('contains'),
    values: z.array(z.string()).min(1),
    all: z.boolean().default(false),
    ...judgeBase,
  }),
  z.strictObject({
    kind: z.literal('json-schema'),
    schema: projectPathSchema
      .optional()
      .describe('the JSON Schema file; without it, the schema the request asked for (response_format json_schema)'),
    ...judgeBase,
  }),
  z.strictObject({
    kind: z.literal('tool-call'),
    name: z.string().min(1).optional().describe('the function the answer must call (else the reference names it)'),
    schema: projectPathSchema.optional().describe("a JSON Schema file the call's arguments must follow"),
    ...judgeBase,
  }),
  z.strictObject({
    kind: z.literal('similarity'),
    provider: nameSchema,
    model: z.string().min(1),
    ...judgeBase,
  }),
]);

export const sliceThresholdSchema = z.strictObject({
  min: fraction.optional(),
  max_drop: fraction.optional(),
  min_items: z.number().int().min(0).optional(),
});

export const gateSchema = z.strictObject({
  judge: nameSchema.optional(),
  detectors: z.array(nameSchema).default([]),
  min_calibration: z.number().min(-1).max(1).default(0.5),
  multiplicity: z
    .enum(['holm', 'bh', 'none'])
    .default('holm')
    .describe(
      'control across the slices judged before a slice may fail: holm (family-wise error), bh (false discovery rate) or none',
    ),
  slices: z
    .record(z.union([z.literal('*'), slicePathSchema]), sliceThresholdSchema)
    .default({ '*': { min: 0.65, max_drop: 0.05, min_items: 10 } }),
  hard: z
    .strictObject({
      error_rate: fraction.default(0.01),
      latency_p95_ratio: ratio.default(1.2),
      hallucination_rate: fraction.default(0.005),
    })
    .default({ error_rate: 0.01, latency_p95_ratio: 1.2, hallucination_rate: 0.005 }),
  soft: z
    .strictObject({ cost_ratio: ratio.default(1.5), refusal_increase: fraction.default(0.02) })
    .default({ cost_ratio: 1.5, refusal_increase: 0.02 }),
  required_uses: z.array(z.string()).default([]),
  residency: z.string().optional(),
});

export const BUILTIN_MONITOR_KEYS = [
  'error_rate',
  'latency_p95_ratio',
  'quality_drop',
  'cost_ratio',
  'error_rate_increase',
] as const;

const monitorsSchema = z
  .strictObject({
    error_rate: fraction.default(0.02),
    latency_p95_ratio: ratio.default(1.2),
    quality_drop: fraction.default(0.05),
    cost_ratio: ratio.default(1.5),
    error_rate_increase: fraction
      .default(0.01)
      .describe('largest tolerated canary − stable error rate (the two-sample error monitor)'),
  })
  .catchall(prometheusMonitorSchema);

export const rolloutSchema = z.strictObject({
  steps: z
    .array(z.number().int().min(1).max(100))
    .min(1)
    .refine((s) => s.every((v, i) => i === 0 || v > s[i - 1]!), 'steps must increase')
    .refine((s) => s[s.length - 1] === 100, 'the last step must be 100')
    .default([5, 25, 100]),
  dwell_seconds: z.number().min(0).default(240),
  min_requests: z.number().int().min(0).default(1000),
  interval_seconds: z.number().positive().default(10),
  monitors: monitorsSchema.default(() => monitorsSchema.parse({})),
  alpha: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.05)
    .describe("each canary monitor's error rate per step, however often it is read (anytime-valid)"),
  quality_samples: positiveInt
    .optional()
    .describe(
      'judged canary answers per step (the canary is judged at quality_samples / min_requests); default sized from monitors.quality_drop',
    ),
  max_judge_calls_per_step: positiveInt
    .optional()
    .describe('spend cap: canary judge calls per rollout step; sampled canary answers over it are skipped'),
});

export const observeSchema = z.strictObject({
  sample_rate: fraction.default(0.05),
  window_seconds: z.number().positive().default(60),
  consecutive: positiveInt.default(3),
  min_quality: fraction.default(0.6),
  max_judge_calls_per_window: positiveInt
    .optional()
    .describe('spend cap: judge calls per window; sampled answers over it are skipped and counted'),
  min_samples_per_window: positiveInt
    .default(50)
    .describe(
      'sampling floor: judge at least this many answers per window when traffic allows (the first answers of a window past the sample rate), so a low-traffic route is watched',
    ),
  min_drop: z
    .number()
    .gt(0)
    .max(1)
    .default(0.1)
    .describe(
      "the sustained quality drop below the release's own production quality that the detector is tuned to catch",
    ),
  reference_samples: positiveInt
    .min(2)
    .default(1000)
    .describe("judged production answers (canary steps included) that make a release's own reference quality"),
  holdback: z
    .number()
    .min(0)
    .max(0.5)
    .default(0)
    .describe(
      "share of a route's traffic kept on the previous stable after a promotion (e.g. 0.02); the held-back answers, judged, are the promoted release's quality reference instead of its own first answers. 0: no holdback",
    ),
  arl0: z
    .number()
    .gt(1)
    .default(1_000_000)
    .describe(
      "judged answers between false alarms of one detector statistic on a healthy release (the CUSUM's in-control average run length)",
    ),
});

export const gatewaySchema = z.strictObject({
  sticky: z
    .union([
      z.literal('user'),
      z.literal('key'),
      z.string().regex(/^header:[A-Za-z0-9-]+$/, 'expected "user", "key" or "header:NAME"'),
    ])
    .default('user')
    .describe('the sticky key: the request\'s "user" field, the gateway key\'s name ("key"), or a header'),
  auth: z
    .enum(['required', 'optional'])
    .optional()
    .describe(
      'client authentication with gateway keys (`sluice key create`); default: required when serve binds to anything but loopback, optional on loopback',
    ),
  forward_client_auth: z
    .boolean()
    .default(false)
    .describe("pass the client's own Authorization header to the upstream (the gateway key then goes in x-sluice-key)"),
  metrics_token_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
    .optional()
    .describe(
      'the environment variable holding a bearer token that GET /metrics then requires ("Authorization: Bearer <token>"); default: /metrics is open',
    ),
  max_body_bytes_in_flight: positiveInt
    .default(32 * 1024 * 1024)
    .describe(
      'request-body bytes the gateway holds at once, across requests (each body counted until its request is answered); past it a request gets 503 with retry-after',
    ),
  redact: z
    .array(
      z.strictObject({
        name: nameSchema.describe('what the pattern finds: its matches become [NAME] in capitals'),
        pattern: regExpSchema('gu').describe('a JavaScript regular expression (matched with the g and u flags)'),
      }),
    )
    .default([])
    .describe(
      "the project's own redaction patterns, applied to stored traces and shadow pairs after the built-in rules (docs/security.md)",
    ),
});

export const shadowSchema = z.strictObject({
  strip_tools: z.boolean().default(false).describe('remove `tools` from mirrored requests'),
  max_requests_per_minute: positiveInt.default(600).describe('cap on mirrored requests (shadow spend)'),
});

export const telemetryIngestSchema = z.strictObject({
  route_attribute: z
    .string()
    .min(1)
    .default('sluice.route')
    .describe('span or resource attribute naming the route of an ingested span (before `services`)'),
  release_attribute: z
    .string()
    .min(1)
    .default('sluice.release')
    .describe(
      "span or resource attribute naming the release (a release id or a unique prefix of its hex): the route's stable or candidate",
    ),
  slice_attribute: z.string().min(1).default('sluice.slice').describe('span or resource attribute naming the slice'),
  services: z
    .record(
      z.string().min(1),
      z.strictObject({
        route: nameSchema.describe('the route every span of this service.name belongs to'),
        arm: z
          .enum(['stable', 'canary'])
          .default('stable')
          .describe("whose release the spans are when they name none: the route's stable or its candidate"),
      }),
    )
    .default({})
    .describe('service.name → route (and arm), for spans that do not name their route'),
  max_body_bytes: positiveInt.default(4 * 1024 * 1024).describe('larger POST /v1/traces bodies get 400'),
});

export const telemetrySchema = z.strictObject({
  otlp_endpoint: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'OTLP/HTTP base URL spans, metrics and evaluation events are exported to (/v1/traces, /v1/metrics, /v1/logs are appended); default: env OTEL_EXPORTER_OTLP_ENDPOINT, else no export',
    ),
  service_name: z
    .string()
    .min(1)
    .optional()
    .describe('service.name of what Sluice exports (default: env OTEL_SERVICE_NAME, else "sluice")'),
  ingest: telemetryIngestSchema.default(telemetryIngestSchema.parse({})),
});

export const auditSchema = z.strictObject({
  origin: z.string().min(1).optional(),
  key: projectPathSchema.optional().describe('PEM file of the Ed25519 signing key (default: .sluice/keys/)'),
  key_env: z.string().optional().describe('environment variable holding the PEM signing key'),
});

export const sluiceConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    project: nameSchema,
    store: z.string().default('sqlite:.sluice/sluice.db'),
    providers: z.record(nameSchema, providerSchema),
    judges: z.record(nameSchema, judgeSchema).default({}),
    gate: gateSchema.default(gateSchema.parse({})),
    rollout: rolloutSchema.default(rolloutSchema.parse({})),
    observe: observeSchema.default(observeSchema.parse({})),
    gateway: gatewaySchema.default(gatewaySchema.parse({})),
    shadow: shadowSchema.default(shadowSchema.parse({})),
    audit: auditSchema.default({}),
    notify: notifySchema
      .default({})
      .describe('notification targets: generic webhooks (signed JSON) and Slack-compatible incoming webhooks'),
    prometheus: prometheusSchema
      .optional()
      .describe('the Prometheus server that rollout.monitors entries with queries read'),
    telemetry: telemetrySchema.default(telemetrySchema.parse({})),
  })
  .superRefine((c, ctx) => {
    if (c.prometheus) return;
    for (const key of Object.keys(c.rollout.monitors)) {
      if ((BUILTIN_MONITOR_KEYS as readonly string[]).includes(key)) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['rollout', 'monitors', key],
        message:
          'a Prometheus monitor needs the prometheus: section (its url, and credentials named by environment variable)',
      });
    }
  });

export type SluiceConfig = z.output<typeof sluiceConfigSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type JudgeConfig = z.output<typeof judgeSchema>;
export type GateConfig = z.output<typeof gateSchema>;
export type RolloutConfig = z.output<typeof rolloutSchema>;
export type SliceThreshold = z.output<typeof sliceThresholdSchema>;
export type TelemetryConfig = z.output<typeof telemetrySchema>;
