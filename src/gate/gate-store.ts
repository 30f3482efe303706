import type { ToolCall } from '../kernel/tool-calls.js';
import type { GateResult, Verdict } from './core/gate-result.js';

/** A served answer as cached: enough to judge it again without calling the provider. */
export interface CachedOutput {
  readonly input: string;
  readonly text: string;
  /** The function calls the answer made (absent when none). */
  readonly toolCalls?: readonly ToolCall[];
  readonly latencyMs: number;
  readonly costUsd: number;
  readonly tokens: number;
}

/** A gate run's cached output for one item. */
export interface GateOutputRecord {
  readonly releaseId: string;
  readonly itemId: string;
  readonly sample: number;
  readonly output: CachedOutput;
}

export interface GateResultRecord {
  readonly digest: string;
  readonly releaseId: string;
  readonly baselineId: string | null;
  readonly verdict: Verdict;
  readonly overridden: boolean;
  readonly preprocessingDigest: string;
  /** The full gate result, receipt and override included. */
  readonly result: GateResult;
  readonly createdAt: string;
}

/** What the gate caches and records. Cache writes ignore rows already there. */
export interface GateStore {
  /** A release's cached outputs of one sample, by item id. */
  gateOutputs(releaseId: string, sample: number): Promise<Map<string, CachedOutput>>;
  putGateOutputs(rows: readonly GateOutputRecord[]): Promise<void>;
  insertGateResult(r: GateResultRecord): Promise<void>;
  latestGateResult(releaseId: string): Promise<GateResultRecord | undefined>;
}
