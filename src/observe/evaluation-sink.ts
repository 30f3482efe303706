import type { AnswerScore } from '../judging/score.js';

/** One production answer the observer judged: whose it was and what the judge and detectors said. */
export interface JudgedAnswer {
  /** The request's trace id (the gateway's request id). */
  readonly id: string;
  readonly route: string;
  readonly release: string;
  readonly slice: string;
  /** The quality judge's name, when there is one. */
  readonly judge?: string;
  readonly score: AnswerScore;
}

/** Where the observer reports each judged answer, besides its own windows (OpenTelemetry evaluation events). */
export interface EvaluationSink {
  judged(a: JudgedAnswer): void;
}
