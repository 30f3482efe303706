import { z } from 'zod';
import { DECISION_KINDS } from '../audit/envelope/in-toto.js';
import { isDigest, type Digest } from '../kernel/digest.js';
import {
  COMMAND_KINDS,
  MONITOR_NAMES,
  defaultQualitySamples,
  type Command,
  type ExternalMonitorName,
  type MonitorSnapshot,
  type RolloutSpec,
  type RolloutStatus,
} from './core/index.js';

/** The stored forms of a rollout's spec, status and commands, parsed once where the store reads them. */

const releaseId = z.custom<Digest>((v) => isDigest(v), 'not a release id (sha256:<64 hex>)');
const ms = z.number();

export const rolloutSpecSchema: z.ZodType<RolloutSpec> = z.object({
  route: z.string(),
  rolloutId: z.string(),
  stable: releaseId,
  candidate: releaseId,
  steps: z.array(z.number()),
  dwellSeconds: z.number(),
  minRequests: z.number(),
  intervalSeconds: z.number(),
  // A spec stored before the anytime-valid monitors has no margin for the error increase, alpha or quality_samples: the defaults.
  monitors: z
    .object({
      errorRate: z.number(),
      latencyP95Ratio: z.number(),
      costRatio: z.number(),
      qualityDrop: z.number().nullable(),
      errorRateIncrease: z.number().default(0.01),
      alpha: z.number().default(0.05),
      qualitySamples: z.number().optional(),
    })
    .transform((m) => ({
      ...m,
      qualitySamples: m.qualitySamples ?? defaultQualitySamples(m.qualityDrop ?? 0.05, m.alpha),
    })),
  rollbackWindowSeconds: z.number(),
  external: z
    .array(
      z.object({
        name: z.string(),
        kind: z.enum(['error_rate', 'ratio']),
        max: z.number(),
        onBreach: z.enum(['rollback', 'pause']),
        queries: z.record(z.string(), z.object({ canary: z.string(), stable: z.string() })),
      }),
    )
    .optional(),
  holdbackPercent: z.number().default(0),
});

const mark = z.object({ by: z.string(), reason: z.string(), at: ms });

const monitorSnapshot: z.ZodType<MonitorSnapshot> = z.object({
  at: ms,
  from: ms,
  to: ms,
  results: z.array(
    z.object({
      name: z.union([
        z.enum(MONITOR_NAMES),
        z.custom<ExternalMonitorName>((v) => typeof v === 'string' && v.startsWith('prometheus:')),
      ]),
      value: z.number().nullable(),
      threshold: z.number(),
      status: z.enum(['pass', 'fail', 'inconclusive']),
      critical: z.boolean(),
      detail: z.string(),
      facts: z.record(z.string(), z.number().nullable()),
      onFail: z.literal('pause').optional(),
      comparative: z.boolean().optional(),
    }),
  ),
  score: z.number().nullable(),
});

export const rolloutStatusSchema: z.ZodType<RolloutStatus> = z.object({
  rolloutId: z.string(),
  startedAt: ms.nullable(),
  stepIndex: z.number(),
  stepStartedAt: ms.nullable(),
  stepRequestsBase: z.number(),
  paused: mark.nullable(),
  aborted: mark.nullable(),
  promotedAt: ms.nullable(),
  rolledBackAt: ms.nullable(),
  haltReason: z.string().nullable(),
  lastMonitors: monitorSnapshot.nullable(),
  commandSeq: z.number(),
  events: z.array(
    z.object({
      at: ms,
      kind: z.enum([...DECISION_KINDS, 'ignored']),
      step: z.number(),
      weight: z.number(),
      message: z.string(),
    }),
  ),
});

/** A queued operator command as stored (its reason only when one was given). */
export const commandSchema: z.ZodType<Command> = z.object({
  seq: z.number(),
  kind: z.enum(COMMAND_KINDS),
  actor: z.string(),
  reason: z.string().optional(),
  at: ms,
});
