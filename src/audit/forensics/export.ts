import { type Clock, dateOf, systemClock } from '../../kernel/clock.js';
import { type DecodedReceipt, decodeReceipt } from '../envelope/receipt-leaf.js';
import { SluiceError } from '../../kernel/errors.js';
import { computePhase, type Phase } from '../../rollout/core/phase.js';
import { eventsJson, haltReason } from '../../rollout/core/status-view.js';
import { erasedDigest } from '../../store/erased-content.js';
import type { TraceRecord, TraceStore } from '../../gateway/trace-store.js';
import type { RolloutStore } from '../../rollout/rollout-store.js';
import type { ShadowPairRecord, ShadowStore } from '../../shadow/shadow-store.js';
import type { AuditStore } from '../audit-store.js';

/**
 * A rollout's evidence in one file: what the candidate answered while it was
 * the canary (its traces), what it answered in shadow (its pairs), and every
 * receipt about it, decoded, with the leaf bytes so each one can be checked
 * against the log (`audit prove`, `audit verify --bundle`). A rollback
 * removes nothing, so this works after one. Content erased on request stays
 * erased here: the marker `{"erased": "sha256:…"}` stands in its place.
 */

/** Requests still in flight when the canary stopped finish (and are traced) a little later. */
export const IN_FLIGHT_GRACE_MS = 60_000;

export type Content = string | { readonly erased: string };

export interface ForensicsTrace {
  readonly id: string;
  readonly route: string;
  readonly release: string;
  readonly arm: string;
  readonly sticky_hash: string | null;
  readonly status: number;
  readonly latency_ms: number;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly cost_usd: number;
  readonly slice: string | null;
  /** The client's messages (redacted), or the erasure marker. */
  readonly input: unknown;
  readonly output: Content;
  readonly erased: boolean;
  readonly created_at: string;
}

export interface ForensicsShadowPair {
  readonly id: string;
  readonly route: string;
  readonly stable_release: string;
  readonly shadow_release: string;
  readonly slice: string | null;
  readonly sticky_hash: string | null;
  readonly input: Content;
  readonly stable_output: Content;
  readonly shadow_output: Content;
  readonly stable_latency_ms: number;
  readonly shadow_latency_ms: number;
  readonly stable_cost_usd: number;
  readonly shadow_cost_usd: number;
  readonly erased: boolean;
  readonly created_at: string;
}

export interface ForensicsReceipt extends Omit<DecodedReceipt, 'statement'> {
  readonly predicate_type: string | null;
  readonly predicate: unknown;
  /** The leaf: base64 of the DSSE envelope's RFC 8785 bytes, as `audit export` writes it. */
  readonly body: string;
}

export interface ForensicsExport {
  readonly format: 'sluice-forensics/v1';
  readonly rollout: {
    readonly id: string;
    readonly route: string;
    readonly stable: string;
    readonly candidate: string;
    /** The rollout's phase (idle, progressing, paused, promoted, rolled_back, aborted). */
    readonly status: Phase;
    readonly created_at: string;
    readonly started_at: string | null;
    /** When the candidate stopped taking canary traffic: rollback, abort or promotion; null while it still does. */
    readonly ended_at: string | null;
    readonly halt_reason: string | null;
    readonly steps: readonly number[];
    readonly events: readonly {
      readonly at: string;
      readonly kind: string;
      readonly step: number;
      readonly weight: number;
      readonly message: string;
    }[];
  };
  /** The window the candidate's canary traces were taken from (inclusive). */
  readonly window: { readonly since: string; readonly until: string | null };
  readonly traces: readonly ForensicsTrace[];
  readonly shadow_pairs: readonly ForensicsShadowPair[];
  readonly receipts: readonly ForensicsReceipt[];
  /** The latest signed checkpoint of the log (a C2SP signed note), to check the receipts against. */
  readonly checkpoint: string | null;
  readonly exported_at: string;
}

function content(text: string): Content {
  const digest = erasedDigest(text);
  return digest ? { erased: digest } : text;
}

function messagesOrMarker(text: string): unknown {
  const digest = erasedDigest(text);
  if (digest) return { erased: digest };
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function traceJson(t: TraceRecord): ForensicsTrace {
  return {
    id: t.id,
    route: t.route,
    release: t.releaseId,
    arm: t.arm,
    sticky_hash: t.stickyHash,
    status: t.status,
    latency_ms: t.latencyMs,
    prompt_tokens: t.promptTokens,
    completion_tokens: t.completionTokens,
    cost_usd: t.costUsd,
    slice: t.slice,
    input: messagesOrMarker(t.input),
    output: content(t.output),
    erased: erasedDigest(t.input) !== undefined,
    created_at: t.createdAt,
  };
}

function pairJson(p: ShadowPairRecord): ForensicsShadowPair {
  return {
    id: p.id,
    route: p.route,
    stable_release: p.stableRelease,
    shadow_release: p.shadowRelease,
    slice: p.slice,
    sticky_hash: p.stickyHash,
    input: content(p.input),
    stable_output: content(p.stableOutput),
    shadow_output: content(p.shadowOutput),
    stable_latency_ms: p.stableLatencyMs,
    shadow_latency_ms: p.shadowLatencyMs,
    stable_cost_usd: p.stableCostUsd,
    shadow_cost_usd: p.shadowCostUsd,
    erased: erasedDigest(p.input) !== undefined,
    created_at: p.createdAt,
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Everything kept about a rollout's candidate, as one JSON document. */
export async function exportForensics(
  store: Pick<RolloutStore, 'getRollout'> &
    Pick<TraceStore, 'searchTraces'> &
    Pick<ShadowStore, 'shadowPairs'> &
    Pick<AuditStore, 'auditSize' | 'auditEntries' | 'latestCheckpoint'>,
  rolloutId: string,
  clock: Clock = systemClock,
): Promise<ForensicsExport> {
  const row = await store.getRollout(rolloutId);
  if (!row)
    throw new SluiceError(
      'not_found',
      `no rollout ${rolloutId} in the store (\`sluice status --json\` names the route's latest as "rollout")`,
    );
  const { spec, status } = row;
  const ends = [status.rolledBackAt, status.aborted?.at ?? null, status.promotedAt].filter(
    (v): v is number => v !== null,
  );
  const endedAt = ends.length ? Math.min(...ends) : null;
  const since = row.createdAt;
  // A controller clock that disagrees with the store's leaves the window open rather than empty.
  const until =
    endedAt !== null && endedAt + IN_FLIGHT_GRACE_MS >= Date.parse(since)
      ? new Date(endedAt + IN_FLIGHT_GRACE_MS).toISOString()
      : null;

  const traces = await store.searchTraces({
    route: spec.route,
    releaseId: spec.candidate,
    arm: 'canary',
    since,
    ...(until ? { until } : {}),
  });
  const pairs = await store.shadowPairs({ route: spec.route, shadowRelease: spec.candidate });
  const size = await store.auditSize();
  const entries = await store.auditEntries(0, size, { subject: spec.candidate });
  const receipts = entries.map((e): ForensicsReceipt => {
    const { statement, ...receipt } = decodeReceipt(e);
    return {
      ...receipt,
      predicate_type: statement ? statement.predicateType : null,
      predicate: statement ? statement.predicate : null,
      body: e.leaf.toString('base64'),
    };
  });
  const checkpoint = await store.latestCheckpoint();

  return {
    format: 'sluice-forensics/v1',
    rollout: {
      id: row.rolloutId,
      route: spec.route,
      stable: spec.stable,
      candidate: spec.candidate,
      status: computePhase(spec, status),
      created_at: row.createdAt,
      started_at: iso(status.startedAt),
      ended_at: iso(endedAt),
      halt_reason: haltReason(status),
      steps: [...spec.steps],
      events: eventsJson(status),
    },
    window: { since, until },
    traces: traces.map(traceJson),
    shadow_pairs: pairs.map(pairJson),
    receipts,
    checkpoint: checkpoint?.note ?? null,
    exported_at: dateOf(clock).toISOString(),
  };
}
