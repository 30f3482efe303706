import type { TraceRecord } from '../store/store.js';
import type { Finished } from './chat.js';
import { CLIENT_CLOSED } from './errors.js';
import type { ArmSample } from './interval-aggregator.js';
import type { Observation } from './metrics.js';
import { redact, redactDeep } from './redact.js';
import { stickyHash } from './sticky.js';

/** A finished request waiting in the trace queue: raw, so redaction happens off the request path. */
export interface PendingTrace {
  readonly finished: Finished;
  readonly createdAt: string;
}

/** The stored form of a trace: sticky key hashed, input and output redacted. */
export function toTraceRecord(p: PendingTrace): TraceRecord {
  const f = p.finished;
  return {
    id: f.id,
    route: f.entry.route,
    releaseId: f.release.id,
    arm: f.arm,
    stickyHash: f.stickyKey === undefined ? null : stickyHash(f.stickyKey),
    status: f.status,
    latencyMs: f.latencyMs,
    promptTokens: f.usage?.prompt_tokens ?? 0,
    completionTokens: f.usage?.completion_tokens ?? 0,
    costUsd: f.costUsd,
    slice: f.slice ?? null,
    input: JSON.stringify(redactDeep(f.messages)),
    vars: JSON.stringify(redactDeep(f.request?.vars ?? {})),
    output: redact(f.output),
    createdAt: p.createdAt,
  };
}

export function toObservation(f: Finished): Observation {
  return {
    route: f.entry.route,
    release: f.release.id,
    arm: f.arm,
    status: f.status,
    seconds: f.latencyMs / 1000,
    promptTokens: f.usage?.prompt_tokens ?? 0,
    completionTokens: f.usage?.completion_tokens ?? 0,
    costUsd: f.costUsd,
    ...(f.error ? { error: f.error.code ?? f.error.type } : {}),
  };
}

/**
 * What the interval aggregates count: requests the arm answered or failed.
 * A client that went away says nothing about the arm, so it is left out.
 */
export function toArmSample(f: Finished): ArmSample | undefined {
  if (f.status === CLIENT_CLOSED) return undefined;
  return {
    route: f.entry.route,
    rolloutId: f.entry.rolloutId,
    arm: f.arm,
    latencyMs: f.latencyMs,
    error: f.status >= 500,
    tokens: f.usage?.total_tokens ?? 0,
    costUsd: f.costUsd,
  };
}
