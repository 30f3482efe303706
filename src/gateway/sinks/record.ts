import type { ShadowPairRecord, TraceRecord } from '../../store/store.js';
import type { Finished } from '../http/chat.js';
import { CLIENT_CLOSED } from '../http/errors.js';
import type { ArmSample } from './interval-aggregator.js';
import type { Observation } from './metrics.js';
import { type RedactionPattern, Redactor } from './redact.js';
import { stickyHash } from '../routing/sticky.js';

/** How stored content is kept: what redacts it, and the key sticky keys are hashed with. */
export interface TraceKeeping {
  readonly redactor: Redactor;
  readonly stickySecret: Uint8Array;
}

/** TraceKeeping as plain data, to hand to a worker thread. */
export interface TraceKeepingData {
  readonly patterns: readonly RedactionPattern[];
  readonly stickySecretHex: string;
}

export const keepingData = (k: TraceKeeping): TraceKeepingData => ({
  patterns: k.redactor.patterns,
  stickySecretHex: Buffer.from(k.stickySecret).toString('hex'),
});

export const keepingFrom = (d: TraceKeepingData): TraceKeeping => ({
  redactor: new Redactor(d.patterns),
  stickySecret: Buffer.from(d.stickySecretHex, 'hex'),
});

/**
 * A finished request as the trace queue holds it: plain data only (a batch may
 * be handed to a worker thread), the sticky key not yet hashed and the content
 * not yet redacted, so that work happens off the request path.
 */
export interface RawTrace extends Omit<TraceRecord, 'stickyHash' | 'input' | 'vars' | 'toolCalls'> {
  readonly stickyKey: string | null;
  /** The client's messages and the template variables as JSON: one compact string each while queued. */
  readonly messagesJson: string;
  readonly varsJson: string;
  /** The answer's tool calls as JSON, when it made some. */
  readonly toolCallsJson?: string;
}

export function toRawTrace(f: Finished, createdAt: string): RawTrace {
  return {
    id: f.id,
    route: f.entry.route,
    releaseId: f.release.id,
    arm: f.arm,
    stickyKey: f.stickyKey ?? null,
    status: f.status,
    latencyMs: f.latencyMs,
    promptTokens: f.usage?.prompt_tokens ?? 0,
    completionTokens: f.usage?.completion_tokens ?? 0,
    costUsd: f.costUsd,
    slice: f.slice ?? null,
    messagesJson: JSON.stringify(f.messages),
    varsJson: f.request?.vars ? JSON.stringify(f.request.vars) : '{}',
    output: f.output,
    ...(f.toolCalls ? { toolCallsJson: JSON.stringify(f.toolCalls) } : {}),
    ...(f.requestId !== undefined ? { requestId: f.requestId } : {}),
    createdAt,
    client: f.client ?? null,
    endpoint: f.endpoint ?? 'chat',
    model: f.model ?? null,
  };
}

/**
 * A shadow pair as the mirror queues it: like a raw trace, the sticky key not
 * yet hashed and the content not yet redacted (see toShadowPairRecord).
 */
export interface RawShadowPair extends Omit<ShadowPairRecord, 'stickyHash'> {
  readonly stickyKey: string | null;
}

/** The stored form of a shadow pair: sticky key hashed, input and both answers redacted as traces are. */
export function toShadowPairRecord(p: RawShadowPair, k: TraceKeeping): ShadowPairRecord {
  const { redactor } = k;
  return {
    id: p.id,
    route: p.route,
    stableRelease: p.stableRelease,
    shadowRelease: p.shadowRelease,
    slice: p.slice,
    stickyHash: p.stickyKey === null ? null : stickyHash(p.stickyKey, k.stickySecret),
    input: redactor.redact(p.input),
    stableOutput: redactor.redact(p.stableOutput),
    shadowOutput: redactor.redact(p.shadowOutput),
    stableLatencyMs: p.stableLatencyMs,
    shadowLatencyMs: p.shadowLatencyMs,
    stableCostUsd: p.stableCostUsd,
    shadowCostUsd: p.shadowCostUsd,
    createdAt: p.createdAt,
  };
}

/** The stored form of a trace: sticky key hashed (keyed), input and output redacted. */
export function toTraceRecord(t: RawTrace, k: TraceKeeping): TraceRecord {
  const { redactor } = k;
  return {
    id: t.id,
    route: t.route,
    releaseId: t.releaseId,
    arm: t.arm,
    stickyHash: t.stickyKey === null ? null : stickyHash(t.stickyKey, k.stickySecret),
    status: t.status,
    latencyMs: t.latencyMs,
    promptTokens: t.promptTokens,
    completionTokens: t.completionTokens,
    costUsd: t.costUsd,
    slice: t.slice,
    input: JSON.stringify(redactor.redactDeep(JSON.parse(t.messagesJson))),
    vars: t.varsJson === '{}' ? '{}' : JSON.stringify(redactor.redactDeep(JSON.parse(t.varsJson))),
    output: redactor.redact(t.output),
    ...(t.toolCallsJson ? { toolCalls: JSON.stringify(redactor.redactDeep(JSON.parse(t.toolCallsJson))) } : {}),
    ...(t.requestId !== undefined ? { requestId: t.requestId } : {}),
    createdAt: t.createdAt,
    ...(t.client ? { client: t.client } : {}),
    ...(t.endpoint ? { endpoint: t.endpoint } : {}),
    ...(t.model ? { model: t.model } : {}),
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
    answered: f.status < 400,
    tokens: f.usage?.total_tokens ?? 0,
    costUsd: f.costUsd,
  };
}
