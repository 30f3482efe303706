export interface ShadowPairRecord {
  readonly id: string;
  readonly route: string;
  readonly stableRelease: string;
  readonly shadowRelease: string;
  readonly slice: string | null;
  readonly stickyHash: string | null;
  readonly input: string;
  readonly stableOutput: string;
  readonly shadowOutput: string;
  readonly stableLatencyMs: number;
  readonly shadowLatencyMs: number;
  readonly stableCostUsd: number;
  readonly shadowCostUsd: number;
  readonly createdAt: string;
}

export interface ShadowSetting {
  readonly route: string;
  readonly releaseId: string;
  readonly percent: number;
}

/** Which release shadows which route, and the answer pairs the mirror keeps. */
export interface ShadowStore {
  setShadow(route: string, shadow: { releaseId: string; percent: number } | null): Promise<void>;
  shadows(): Promise<ShadowSetting[]>;
  insertShadowPairs(rows: readonly ShadowPairRecord[]): Promise<void>;
  shadowPairs(filter: { route?: string; shadowRelease?: string }): Promise<ShadowPairRecord[]>;
  /** Erases pairs' content (input, stable and shadow output) as `TraceStore.eraseTraceContent` does traces'. */
  eraseShadowPairContent(filter: { stickyHash?: string; before?: string }): Promise<number>;
}
