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
}
