import { z } from 'zod';
import { positiveInt } from './common-schema.js';

/**
 * Prometheus as a metric source: the server (`prometheus:` in sluice.yaml)
 * and the monitors that read it (object entries in `rollout.monitors`).
 * Credentials are named environment variables, never values in the file.
 */

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable (letters, digits, "_")');

export const prometheusSchema = z.strictObject({
  url: z
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// URL')
    .refine((u) => {
      const parsed = new URL(u);
      return parsed.username === '' && parsed.password === '';
    }, 'credentials do not go in the URL: name environment variables in bearer_token_env or basic_auth')
    .describe("the Prometheus server's base URL (its HTTP API is under /api/v1/)"),
  bearer_token_env: envName.optional().describe('environment variable holding a bearer token'),
  basic_auth: z
    .strictObject({ username_env: envName, password_env: envName })
    .optional()
    .describe('environment variables holding the basic-auth user name and password'),
  timeout_ms: positiveInt.default(2000).describe('per query; a slower answer makes the monitor inconclusive'),
});

/** The substitutions a query template may use. */
export const QUERY_VARIABLES = ['release', 'release_short', 'arm', 'route', 'window'] as const;

const template = z
  .string()
  .min(1)
  .superRefine((q, ctx) => {
    for (const m of q.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (!(QUERY_VARIABLES as readonly string[]).includes(m[1]!)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown substitution {{${m[1]}}}: expected one of ${QUERY_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
        });
      }
    }
  });

/** A query: one template for both arms ({{release}}, {{arm}} tell them apart), or one per arm. */
const querySchema = z.union([template, z.strictObject({ canary: template, stable: template })]);

const onBreach = z
  .enum(['rollback', 'pause'])
  .describe('what a fail does: roll back like a built-in monitor, or pause for a person');

const NOT_A_MONITOR =
  'unknown monitor: the built-in monitors are error_rate, latency_p95_ratio, quality_drop, cost_ratio and error_rate_increase (numbers); any other key is a Prometheus monitor, an object with kind (error_rate or ratio), its queries and max';

export const prometheusMonitorSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('error_rate'),
      errors: querySchema.describe(
        'PromQL: errors served by the arm over the step (e.g. sum(increase(...[{{window}}])))',
      ),
      requests: querySchema.describe('PromQL: requests served by the arm over the step'),
      max: z.number().gt(0).max(1).describe("ceiling on the canary's error rate"),
      on_breach: onBreach.default('rollback'),
    }),
    z.strictObject({
      kind: z.literal('ratio'),
      query: querySchema.describe('PromQL: one number per arm over the step (a p95, a mean)'),
      max: z.number().gt(0).describe('ceiling on canary / stable'),
      on_breach: onBreach.default('pause'),
    }),
  ],
  { error: (issue) => (typeof issue.input === 'object' && issue.input !== null ? undefined : NOT_A_MONITOR) },
);

export type PrometheusConfig = z.output<typeof prometheusSchema>;
export type PrometheusMonitorConfig = z.output<typeof prometheusMonitorSchema>;
