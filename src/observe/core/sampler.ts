import { sha256Prefix48 } from '../../kernel/digest.js';
import { windowMs, windowStart } from './windows.js';

/**
 * Which production answers the observer judges, and how much judging it may
 * queue and spend.
 *
 * Sampling is a pure function of the request key: SHA-256 of a fixed
 * domain tag and the key, its first 48 bits read as a number u in [0, 1),
 * sampled when u < sample_rate. The same request id always gets the same
 * decision on every replica and after every restart; raising the rate only
 * adds requests (a request sampled at 5% is also sampled at 10%); and the
 * domain tag keeps the decision unrelated to any other hash Sluice takes of
 * the same id (the sticky-arm buckets, say).
 *
 * The queue between the gateway and the judge is bounded and drops the
 * NEWEST item when full (tail drop: the items already queued keep their
 * place and order). Whether an item is dropped depends only on when it
 * arrived and how full the queue was, never on the answer, so the
 * surviving samples stay an unbiased sample of the traffic — a backlog
 * lowers the effective rate for a while instead of skewing it. Every drop
 * is counted.
 *
 * The spend cap bounds quality-judge calls per observation window (the
 * same epoch-aligned windows as windows.ts, by the injected time of the
 * request): the first maxJudgeCallsPerWindow sampled answers of a window are
 * judged, later ones are skipped and counted. A binding cap favours the start
 * of a window; the skip count makes that visible, and sample_rate should be
 * set so that it rarely binds. Local detectors cost nothing and are not
 * counted.
 *
 * The sampling floor (observe.min_samples_per_window) keeps a low-traffic
 * route watched: while fewer than that many answers of the current window
 * have been sampled, an answer the rate did not pick is sampled anyway (and
 * counted as `floored`). Like the cap, a floor favours the start of a window;
 * it never depends on the answer, so the sample stays unbiased about quality.
 */

const SAMPLE_DOMAIN = 'sluice/observe-sample\u0000';
const TWO_POW_48 = 2 ** 48;

function checkRate(sampleRate: number): void {
  if (typeof sampleRate !== 'number' || !(sampleRate >= 0 && sampleRate <= 1)) {
    throw new RangeError(`sample_rate must be in [0, 1], got ${String(sampleRate)}`);
  }
}

/** The request key's fixed position in [0, 1): sampled at any rate above it. */
export function sampleUnit(requestKey: string): number {
  return sha256Prefix48(SAMPLE_DOMAIN + requestKey) / TWO_POW_48;
}

/** Whether the request with this key is sampled at `sampleRate` (0 never, 1 always). */
export function shouldSample(requestKey: string, sampleRate: number): boolean {
  checkRate(sampleRate);
  if (sampleRate === 0) return false;
  if (sampleRate === 1) return true;
  return sampleUnit(requestKey) < sampleRate;
}

/** A FIFO of at most `capacity` items that drops the newest item when full. */
export class BoundedQueue<T> {
  readonly capacity: number;
  readonly #ring: (T | undefined)[];
  #head = 0;
  #size = 0;
  #offered = 0;
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be an integer ≥ 1, got ${String(capacity)}`);
    this.capacity = capacity;
    this.#ring = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  get full(): boolean {
    return this.#size === this.capacity;
  }

  /** Items offered so far, queued or dropped. */
  get offered(): number {
    return this.#offered;
  }

  /** Items dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues the item; false (and counted) when the queue is full. */
  offer(item: T): boolean {
    this.#offered++;
    if (this.#size === this.capacity) {
      this.#dropped++;
      return false;
    }
    this.#ring[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return true;
  }

  /** The oldest item, removed; undefined when empty. */
  take(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#ring[this.#head];
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }

  /** Up to `max` of the oldest items, removed, oldest first. */
  drain(max = Infinity): T[] {
    const out: T[] = [];
    while (out.length < max && this.#size > 0) out.push(this.take() as T);
    return out;
  }
}

export interface SpendCapSnapshot {
  /** Start of the window the cap is counting, epoch ms; null before the first charge. */
  readonly windowStart: number | null;
  readonly used: number;
  readonly remaining: number;
  readonly skippedThisWindow: number;
  readonly chargedTotal: number;
  readonly skippedTotal: number;
}

/**
 * At most `maxJudgeCallsPerWindow` judge calls per epoch-aligned window.
 * The count resets when a charge falls in a later window; a charge timed
 * in an earlier window than the one being counted (a clock step back)
 * counts against the current one.
 */
export class JudgeSpendCap {
  readonly maxJudgeCallsPerWindow: number;
  readonly windowSeconds: number;
  #windowStart: number | null = null;
  #used = 0;
  #skippedThisWindow = 0;
  #chargedTotal = 0;
  #skippedTotal = 0;

  constructor(opts: { maxJudgeCallsPerWindow: number; windowSeconds: number }) {
    const max = opts.maxJudgeCallsPerWindow;
    if (!(max === Infinity || (Number.isSafeInteger(max) && max >= 0))) {
      throw new RangeError(`maxJudgeCallsPerWindow must be an integer ≥ 0 or Infinity, got ${String(max)}`);
    }
    windowMs(opts.windowSeconds);
    this.maxJudgeCallsPerWindow = max;
    this.windowSeconds = opts.windowSeconds;
  }

  #roll(now: number): void {
    const start = windowStart(now, this.windowSeconds);
    if (this.#windowStart === null || start > this.#windowStart) {
      this.#windowStart = start;
      this.#used = 0;
      this.#skippedThisWindow = 0;
    }
  }

  /** Charges `calls` judge calls at `now`; false (counted as skipped) when that would exceed the cap. */
  tryCharge(now: number, calls = 1): boolean {
    if (!Number.isSafeInteger(calls) || calls < 1)
      throw new RangeError(`calls must be an integer ≥ 1, got ${String(calls)}`);
    this.#roll(now);
    if (this.#used + calls > this.maxJudgeCallsPerWindow) {
      this.#skippedThisWindow += calls;
      this.#skippedTotal += calls;
      return false;
    }
    this.#used += calls;
    this.#chargedTotal += calls;
    return true;
  }

  snapshot(now?: number): SpendCapSnapshot {
    if (now !== undefined) this.#roll(now);
    return {
      windowStart: this.#windowStart,
      used: this.#used,
      remaining: this.maxJudgeCallsPerWindow - this.#used,
      skippedThisWindow: this.#skippedThisWindow,
      chargedTotal: this.#chargedTotal,
      skippedTotal: this.#skippedTotal,
    };
  }
}

/** What became of an answer offered to the sampler. */
export type SampleOutcome = 'not_sampled' | 'queued' | 'dropped' | 'skipped';

export interface SamplerCounts {
  readonly offered: number;
  readonly notSampled: number;
  readonly queued: number;
  /** Sampled but the queue was full. */
  readonly dropped: number;
  /** Sampled but over the spend cap. */
  readonly skipped: number;
  /** Sampled by the floor (min_samples_per_window), not by the rate. */
  readonly floored: number;
}

export interface ObserveSamplerOptions {
  readonly sampleRate: number;
  readonly windowSeconds: number;
  readonly queueCapacity: number;
  /** Default Infinity: no cap. */
  readonly maxJudgeCallsPerWindow?: number;
  /** Sampling floor (observe.min_samples_per_window): sample at least this many answers per window when traffic allows. Default 0. */
  readonly minPerWindow?: number;
}

/**
 * The gateway-side front of the observer: sample → queue → spend cap.
 * `offer` is synchronous and does no I/O; the edge's worker takes items
 * from the queue and judges them. An admitted item is charged to the spend
 * cap when it is queued (the queue never evicts an admitted item, so every
 * charge becomes a judge call); an item the full queue drops is not charged.
 */
export class ObserveSampler<T> {
  readonly sampleRate: number;
  readonly queue: BoundedQueue<T>;
  readonly cap: JudgeSpendCap;
  readonly minPerWindow: number;
  readonly windowSeconds: number;
  #offered = 0;
  #notSampled = 0;
  #queued = 0;
  #dropped = 0;
  #skipped = 0;
  #floored = 0;
  /** The window being counted for the floor, and the answers sampled in it. */
  #window: number | null = null;
  #sampledInWindow = 0;

  constructor(opts: ObserveSamplerOptions) {
    checkRate(opts.sampleRate);
    const floor = opts.minPerWindow ?? 0;
    if (!(Number.isSafeInteger(floor) && floor >= 0))
      throw new RangeError(`minPerWindow must be an integer ≥ 0, got ${String(floor)}`);
    this.sampleRate = opts.sampleRate;
    this.minPerWindow = floor;
    this.windowSeconds = opts.windowSeconds;
    this.queue = new BoundedQueue<T>(opts.queueCapacity);
    this.cap = new JudgeSpendCap({
      maxJudgeCallsPerWindow: opts.maxJudgeCallsPerWindow ?? Infinity,
      windowSeconds: opts.windowSeconds,
    });
  }

  /** Decides for one answer, identified by its request key, that arrived at `now` (epoch ms). */
  offer(requestKey: string, item: T, now: number): SampleOutcome {
    return this.offerLazy(requestKey, () => item, now);
  }

  /**
   * As `offer`, but the item is built only when it is sampled (most answers
   * are not). `rate` replaces the sample rate for this answer (a canary's
   * answers are judged at the rollout's own rate).
   */
  offerLazy(requestKey: string, make: () => T, now: number, rate: number = this.sampleRate): SampleOutcome {
    this.#offered++;
    const w = windowStart(now, this.windowSeconds);
    if (this.#window === null || w > this.#window) {
      this.#window = w;
      this.#sampledInWindow = 0;
    }
    if (!shouldSample(requestKey, rate)) {
      if (this.#sampledInWindow >= this.minPerWindow) {
        this.#notSampled++;
        return 'not_sampled';
      }
      this.#floored++;
    }
    this.#sampledInWindow++;
    if (this.queue.full) {
      this.queue.offer(make()); // counted as the queue's drop
      this.#dropped++;
      return 'dropped';
    }
    if (!this.cap.tryCharge(now)) {
      this.#skipped++;
      return 'skipped';
    }
    this.queue.offer(make());
    this.#queued++;
    return 'queued';
  }

  counts(): SamplerCounts {
    return {
      offered: this.#offered,
      notSampled: this.#notSampled,
      queued: this.#queued,
      dropped: this.#dropped,
      skipped: this.#skipped,
      floored: this.#floored,
    };
  }
}
