export interface ObserveSampleRecord {
  readonly id: string;
  readonly route: string;
  readonly releaseId: string;
  readonly slice: string;
  readonly at: number;
  readonly quality: number | null;
  readonly judgeError: boolean;
  readonly flags: Readonly<Record<string, boolean>>;
}

/** The observer's scored samples of production answers. */
export interface ObserveSampleStore {
  insertObserveSamples(rows: readonly ObserveSampleRecord[]): Promise<void>;
  /** A release's samples with `at` in [sinceMs, untilMs) (no upper bound without untilMs), oldest first. */
  observeSamples(releaseId: string, sinceMs: number, untilMs?: number): Promise<ObserveSampleRecord[]>;
  /** Count, sum and sum of squares of a release's judged quality (judge errors left out) from sinceMs on: one aggregate row. */
  observeQualitySums(releaseId: string, sinceMs: number): Promise<QualitySums>;
  /** When the release's newest sample arrived (epoch ms), or null when it has none. */
  latestObserveSampleAt(releaseId: string): Promise<number | null>;
}

export interface QualitySums {
  readonly n: number;
  readonly sum: number;
  readonly sumSq: number;
}
