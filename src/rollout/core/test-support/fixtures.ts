import { rolloutSchema } from '../../../config/sluice-schema.js';
import type { ReleaseId } from '../../../release/resolved-manifest.js';
import { mulberry32 } from '../../../stats/index.js';
import { EMPTY_MOMENTS, mergeMoments } from '../../../stats/confidence-sequence.js';
import type { Command, CommandKind } from '../commands.js';
import type { DecisionDraft } from '../decision-draft.js';
import type { ArmWindow, ArmWindows } from '../monitors.js';
import { canaryWeight } from '../phase.js';
import { reconcile, type Observation, type ReconcileResult } from '../reconcile.js';
import { initialStatus, specFromConfig, type RolloutSpec, type RolloutStatus } from '../rollout-state.js';

export const STABLE = `sha256:${'a'.repeat(64)}` as ReleaseId;
export const CANDIDATE = `sha256:${'b'.repeat(64)}` as ReleaseId;
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
export const SECOND = 1000;

/** The spec for sluice.yaml's defaults (5 → 25 → 100, dwell 240 s, 1000 requests, 10 s intervals). */
export function makeSpec(config: Record<string, unknown> = {}, qualityMonitored = true): RolloutSpec {
  return specFromConfig({
    route: 'legal-assistant',
    rolloutId: 'ro-1',
    stable: STABLE,
    candidate: CANDIDATE,
    config: rolloutSchema.parse(config),
    qualityMonitored,
  });
}

/** Deterministic judged scores around `center` (spread ±0.15). */
export function scores(n: number, center: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.round((center + (r() - 0.5) * 0.3) * 1000) / 1000);
}

/** Deterministic latencies around `center` ms (spread ±20%). */
export function latencies(n: number, center: number, seed: number): number[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => Math.round(center * (0.8 + r() * 0.4)));
}

export interface ArmShape {
  count: number;
  errors?: number;
  latencyMs?: number;
  costPerRequest?: number;
  quality?: number[];
}

export function arm(shape: ArmShape, seed = 1): ArmWindow {
  const { count } = shape;
  const errors = shape.errors ?? 0;
  return {
    count,
    errors,
    latenciesMs: latencies(count - errors, shape.latencyMs ?? 400, seed),
    costUsd: count * (shape.costPerRequest ?? 0.001),
    costs: { n: count, mean: shape.costPerRequest ?? 0.001, m2: 0 },
    tokens: count * 500,
    quality: shape.quality ?? [],
  };
}

/** Both arms over [now − interval, now) with `total` requests split by the canary weight. */
export function windowsAt(
  now: number,
  intervalMs: number,
  weight: number,
  total: number,
  over: { canary?: Partial<ArmShape>; stable?: Partial<ArmShape> } = {},
): ArmWindows {
  const canaryCount = Math.round((total * weight) / 100);
  const stableCount = total - canaryCount;
  const q = (n: number, seed: number) => scores(Math.min(n, 30), 0.7, seed);
  return {
    from: now - intervalMs,
    to: now,
    weight,
    canary: arm({ count: canaryCount, quality: q(canaryCount, now + 1), ...over.canary }, now + 2),
    stable: arm({ count: stableCount, quality: q(stableCount, now + 3), ...over.stable }, now + 4),
  };
}

export function command(seq: number, kind: CommandKind, at: number, actor = 'alice', reason?: string): Command {
  return reason === undefined ? { seq, kind, actor, at } : { seq, kind, actor, reason, at };
}

function mergeArms(a: ArmWindow, b: ArmWindow): ArmWindow {
  return {
    count: a.count + b.count,
    costs: mergeMoments(a.costs ?? EMPTY_MOMENTS, b.costs ?? EMPTY_MOMENTS),
    errors: a.errors + b.errors,
    latenciesMs: [...(a.latenciesMs ?? []), ...(b.latenciesMs ?? [])],
    costUsd: a.costUsd + b.costUsd,
    tokens: a.tokens + b.tokens,
    quality: [...(a.quality ?? []), ...(b.quality ?? [])].slice(-400), // a bounded sample, as an edge keeps
  };
}

/** A controller driven tick by tick in virtual time, keeping every result. */
export class Harness {
  status: RolloutStatus;
  now = T0;
  total = 0;
  readonly results: ReconcileResult[] = [];
  readonly decisions: DecisionDraft[] = [];
  /** The observation of the latest tick, to replay it. */
  last: Observation | null = null;

  private sinceStep: ArmWindows | null = null;

  /**
   * span 'step' (the default, as the store's observer reads them): windows
   * cover everything since the step began, which the anytime-valid monitors
   * need; 'interval': only the last interval.
   */
  constructor(
    readonly spec: RolloutSpec,
    readonly span: 'interval' | 'step' = 'step',
  ) {
    this.status = initialStatus(spec);
  }

  get weight(): number {
    return canaryWeight(this.spec, this.status);
  }

  tick(extra: Partial<Omit<Observation, 'now' | 'canaryRequestsTotal'>> = {}): ReconcileResult {
    this.last = { now: this.now, canaryRequestsTotal: this.total, ...extra };
    const r = reconcile(this.spec, this.status, this.last);
    this.status = r.status;
    this.results.push(r);
    this.decisions.push(...r.decisions);
    return r;
  }

  /** Advance the clock by one interval, serve `rps` requests a second split by the current weight, and tick with that interval's windows. */
  step(
    rps: number,
    over: { canary?: Partial<ArmShape>; stable?: Partial<ArmShape> } = {},
    commands: Command[] = [],
  ): ReconcileResult {
    const intervalMs = this.spec.intervalSeconds * SECOND;
    const weight = this.weight;
    const served = rps * this.spec.intervalSeconds;
    this.now += intervalMs;
    let windows = windowsAt(this.now, intervalMs, weight, served, over);
    this.total += windows.canary.count;
    if (this.span === 'step') {
      const acc = this.sinceStep;
      windows =
        acc && acc.from === this.status.stepStartedAt
          ? {
              from: acc.from,
              to: windows.to,
              canary: mergeArms(acc.canary, windows.canary),
              stable: mergeArms(acc.stable, windows.stable),
            }
          : windows;
      this.sinceStep = windows;
    }
    return this.tick({ windows, commands });
  }

  kinds(): string[] {
    return this.decisions.map((d) => d.kind);
  }
}
