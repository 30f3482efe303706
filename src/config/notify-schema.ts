import { z } from 'zod';
import { positiveInt } from './common-schema.js';

/**
 * `notify:` in sluice.yaml: where Sluice tells people what it decided. Each
 * target is a generic webhook (a JSON body signed with HMAC-SHA256) or a
 * Slack-compatible incoming webhook (text). Secrets — the HMAC key, a URL
 * that is itself a credential — come from environment variables named here.
 */

export const NOTIFY_EVENTS = [
  'gate',
  'rollout-start',
  'step',
  'pause',
  'resume',
  'promote',
  'halt',
  'rollback',
  'observer-alert',
  'observe-rollback',
] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the name of an environment variable (letters, digits, "_")');

const delivery = {
  url: z
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// URL')
    .optional()
    .describe('where to POST; or url_env'),
  url_env: envName.optional().describe('environment variable holding the URL (a Slack webhook URL is a secret)'),
  events: z.array(z.enum(NOTIFY_EVENTS)).min(1).optional().describe('the events sent to this target (default: all)'),
  timeout_ms: positiveInt.default(5000).describe('per delivery attempt'),
  retries: z.number().int().min(0).max(10).default(3).describe('further attempts after a failed one, with backoff'),
};

const oneUrl = (t: { url?: string | undefined; url_env?: string | undefined }) =>
  (t.url === undefined) !== (t.url_env === undefined);
const ONE_URL = 'give exactly one of url and url_env';

export const notifyTargetSchema = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('webhook'),
      ...delivery,
      secret_env: envName
        .optional()
        .describe('environment variable holding the HMAC-SHA256 key; the body is signed in x-sluice-signature-256'),
    })
    .refine(oneUrl, ONE_URL),
  z.strictObject({ kind: z.literal('slack'), ...delivery }).refine(oneUrl, ONE_URL),
]);

export const notifySchema = z.record(
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a target name of letters, digits, ".", "_" or "-"'),
  notifyTargetSchema,
);

export type NotifyTargetConfig = z.output<typeof notifyTargetSchema>;
export type NotifyConfig = z.output<typeof notifySchema>;
