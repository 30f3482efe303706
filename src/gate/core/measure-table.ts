import type { ArmMeasure, ItemMeasure } from './measurement.js';

type Column = Uint8Array | Int8Array | Uint32Array | Float64Array;

/** A copy of `a` with room for `capacity` rows; the new rows hold `fill`. */
function grown<A extends Column>(a: A, capacity: number, fill = 0): A {
  const b = new (a.constructor as new (n: number) => A)(capacity);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/**
 * One arm's measurements, a column per field: numbers in typed arrays, so a
 * run of 100,000 items keeps a few MB instead of an object (and strings) per item.
 * An error or judge error is kept only as "there was one"; a null score or
 * latency as 0 in `scored` / `timed`.
 */
export class ArmColumns {
  error: Uint8Array;
  judgeError: Uint8Array;
  scored: Uint8Array;
  score: Float64Array;
  timed: Uint8Array;
  latencyMs: Float64Array;
  costUsd: Float64Array;
  tokens: Float64Array;
  /** Detector name → per item: -1 not scored, 0 not flagged, 1 flagged. */
  readonly flags = new Map<string, Int8Array>();

  constructor(private rows: number) {
    this.error = new Uint8Array(rows);
    this.judgeError = new Uint8Array(rows);
    this.scored = new Uint8Array(rows);
    this.score = new Float64Array(rows);
    this.timed = new Uint8Array(rows);
    this.latencyMs = new Float64Array(rows);
    this.costUsd = new Float64Array(rows);
    this.tokens = new Float64Array(rows);
  }

  set(i: number, a: ArmMeasure): void {
    this.error[i] = a.error === null ? 0 : 1;
    this.judgeError[i] = a.judgeError === null ? 0 : 1;
    this.scored[i] = a.score === null ? 0 : 1;
    this.score[i] = a.score ?? 0;
    this.timed[i] = a.latencyMs === null ? 0 : 1;
    this.latencyMs[i] = a.latencyMs ?? 0;
    this.costUsd[i] = a.costUsd;
    this.tokens[i] = a.tokens;
    for (const [name, flagged] of Object.entries(a.flags)) this.flag(name)[i] = flagged ? 1 : 0;
  }

  /** The score, null when there is none. */
  scoreAt(i: number): number | null {
    return this.scored[i] ? this.score[i]! : null;
  }

  /** Rows allocated. */
  get capacity(): number {
    return this.rows;
  }

  grow(capacity: number): void {
    const copy = <A extends Column>(a: A, fill = 0): A => grown(a, capacity, fill);
    [this.error, this.judgeError, this.scored, this.score, this.timed, this.latencyMs, this.costUsd, this.tokens] = [
      copy(this.error),
      copy(this.judgeError),
      copy(this.scored),
      copy(this.score),
      copy(this.timed),
      copy(this.latencyMs),
      copy(this.costUsd),
      copy(this.tokens),
    ];
    for (const [name, col] of this.flags) this.flags.set(name, copy(col, -1));
    this.rows = capacity;
  }

  private flag(name: string): Int8Array {
    let col = this.flags.get(name);
    if (!col) {
      col = new Int8Array(this.rows).fill(-1);
      this.flags.set(name, col);
    }
    return col;
  }
}

/**
 * The measurements of a run, in item order: what the verdict needs of each item
 * (its slice, human score, and the numbers of each arm), nothing else.
 */
export class MeasureTable {
  /** Distinct slice names; `sliceOf[i]` indexes into it. */
  readonly slices: string[] = [];
  private readonly sliceIndex = new Map<string, number>();
  sliceOf: Uint32Array;
  /** A human's score for the item; NaN when there is none. */
  human: Float64Array;
  readonly candidate: ArmColumns;
  /** Whether item i has a baseline measure (its numbers are in `baseline`, which has rows only once one has). */
  hasBaseline: Uint8Array;
  readonly baseline: ArmColumns;
  private size = 0;

  constructor(private capacity = 64) {
    this.capacity = Math.max(1, capacity);
    this.sliceOf = new Uint32Array(this.capacity);
    this.human = new Float64Array(this.capacity);
    this.hasBaseline = new Uint8Array(this.capacity);
    this.candidate = new ArmColumns(this.capacity);
    this.baseline = new ArmColumns(0);
  }

  static from(measures: readonly ItemMeasure[]): MeasureTable {
    const t = new MeasureTable(measures.length);
    for (const [i, m] of measures.entries()) t.set(i, m);
    return t;
  }

  /** Items 0..length-1. */
  get length(): number {
    return this.size;
  }

  /** Records item i (items may arrive out of order; the length is one past the highest index set). */
  set(i: number, m: ItemMeasure): void {
    if (i >= this.capacity) this.grow(Math.max(i + 1, this.capacity * 2));
    let s = this.sliceIndex.get(m.item.slice);
    if (s === undefined) {
      s = this.slices.push(m.item.slice) - 1;
      this.sliceIndex.set(m.item.slice, s);
    }
    this.sliceOf[i] = s;
    this.human[i] = m.item.humanScore ?? NaN;
    this.candidate.set(i, m.candidate);
    this.hasBaseline[i] = m.baseline ? 1 : 0;
    if (m.baseline) {
      if (this.baseline.capacity < this.capacity) this.baseline.grow(this.capacity);
      this.baseline.set(i, m.baseline);
    }
    if (i >= this.size) this.size = i + 1;
  }

  sliceAt(i: number): string {
    return this.slices[this.sliceOf[i]!]!;
  }

  private grow(capacity: number): void {
    [this.sliceOf, this.human, this.hasBaseline] = [
      grown(this.sliceOf, capacity),
      grown(this.human, capacity),
      grown(this.hasBaseline, capacity),
    ];
    this.candidate.grow(capacity);
    if (this.baseline.capacity > 0) this.baseline.grow(capacity);
    this.capacity = capacity;
  }
}
