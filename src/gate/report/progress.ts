import { type Clock, monotonicClock } from '../../kernel/clock.js';
import type { ItemMeasure } from '../core/measurement.js';
import { stripControl } from './escape.js';
import { usd } from './format.js';

export interface SliceProgress {
  readonly n: number;
  readonly mean: number;
}

export interface ProgressState {
  readonly done: number;
  /** Items in the run; 0 when not known yet (no bar, no ETA then). */
  readonly total: number;
  readonly errors: number;
  /** Running mean judge score per slice, over the items scored so far. */
  readonly perSlice: ReadonlyMap<string, SliceProgress>;
  readonly elapsedMs: number;
  readonly costUsd: number;
}

const BAR_MIN = 10;
const BAR_MAX = 30;

/**
 * One terminal line, at most `width` characters: a bar with items done of the
 * total, the running mean of the three worst slices, errors, ETA and spend.
 * When space is short the slices shorten and go first, then the bar.
 */
export function renderProgress(state: ProgressState, width = 80): string {
  const { done, total } = state;
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const counts = total > 0 ? `${done}/${total} ${Math.floor(fraction * 100)}%` : `${done} items`;
  const timing =
    total > 0 && done >= total
      ? `took ${duration(state.elapsedMs)}`
      : total > 0 && done > 0
        ? `ETA ${duration(((total - done) * state.elapsedMs) / done)}`
        : `elapsed ${duration(state.elapsedMs)}`;
  const parts = [counts, ...(state.errors > 0 ? [`${state.errors} err`] : []), timing, usd(state.costUsd)];
  const worst = [...state.perSlice]
    .filter(([, s]) => s.n > 0)
    .sort(([a, x], [b, y]) => x.mean - y.mean || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, 3)
    .map(([name, s]) => [stripControl(name, true), s.mean.toFixed(2)] as const);

  const bare = parts.join(' ');
  const candidates: string[] = [];
  for (let k = worst.length; k > 0; k--) {
    for (const room of [Infinity, 20, 12]) {
      candidates.push(
        [
          ...parts,
          `worst: ${worst
            .slice(0, k)
            .map(([name, mean]) => `${shorten(name, room)} ${mean}`)
            .join(', ')}`,
        ].join(' '),
      );
    }
  }
  candidates.push(bare);
  for (const text of candidates) {
    const room = width - length(text);
    if (total === 0 && room >= 0) return text;
    if (total > 0 && room >= BAR_MIN + 3) {
      const barWidth = Math.min(BAR_MAX, room - 3);
      const filled = Math.round(fraction * barWidth);
      return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${text}`;
    }
  }
  return length(bare) <= width
    ? bare
    : `${[...bare]
        .slice(0, Math.max(0, width - 1))
        .join('')
        .trimEnd()}…`;
}

/** "42s", "3m05s", "1h02m". */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function length(text: string): number {
  return [...text].length;
}

/** The name cut to `room` characters, keeping its end (the most specific part of a slice path). */
function shorten(name: string, room: number): string {
  const chars = [...name];
  return chars.length <= room ? name : `…${chars.slice(chars.length - room + 1).join('')}`;
}

/** Where the reporter writes: process.stderr, or anything with `write`. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Least time between two lines drawn, 100 ms unless set. */
  readonly intervalMs?: number;
  readonly clock?: Clock;
}

/**
 * Redraws the progress line in place ("\r" + line) at most every 100 ms and ends
 * it with a newline on `finish()`. It writes nothing unless `isTTY` is true: the
 * caller passes false when the stream is not a terminal or JSON output was asked for.
 */
export class ProgressReporter {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawnLength = 0;
  /** The newest state, and whether it is newer than the line on screen. */
  private latest: ProgressState | null = null;
  private pending = false;
  private total = 0;
  private done = 0;
  private errors = 0;
  private costUsd = 0;
  private readonly perSlice = new Map<string, SliceProgress>();

  constructor(
    private readonly stream: ProgressStream,
    readonly enabled: boolean,
    options: ProgressOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 100;
    const clock = options.clock ?? monotonicClock;
    this.now = () => clock.now();
    this.started = this.now();
  }

  /** Counts one measured item (`done` of `total` so far) and redraws when due. */
  item(m: ItemMeasure, done: number, total = this.total): void {
    if (!this.enabled) return;
    this.done = done;
    this.total = total;
    if (m.candidate.error !== null || m.candidate.judgeError !== null) this.errors++;
    this.costUsd += m.candidate.costUsd + (m.baseline?.costUsd ?? 0);
    const score = m.candidate.score;
    if (score !== null) {
      const s = this.perSlice.get(m.item.slice) ?? { n: 0, mean: 0 };
      this.perSlice.set(m.item.slice, { n: s.n + 1, mean: s.mean + (score - s.mean) / (s.n + 1) });
    }
    this.update(this.state());
  }

  /** Draws `state` if the last line is at least the interval old; otherwise keeps it for later. */
  update(state: ProgressState): void {
    if (!this.enabled) return;
    this.latest = state;
    const now = this.now();
    if (now - this.lastDraw < this.intervalMs) {
      this.pending = true;
      return;
    }
    this.lastDraw = now;
    this.draw(state);
  }

  /** Draws the latest state if a line was held back, then ends the line. */
  finish(): void {
    if (!this.enabled || this.latest === null) return;
    if (this.pending) this.draw(this.latest);
    this.stream.write('\n');
    this.latest = null;
  }

  private state(): ProgressState {
    const { done, total, errors, perSlice, costUsd } = this;
    return { done, total, errors, perSlice, costUsd, elapsedMs: this.now() - this.started };
  }

  private draw(state: ProgressState): void {
    this.pending = false;
    const line = renderProgress(state, Math.max(20, (this.stream.columns ?? 80) - 1));
    const len = length(line);
    this.stream.write(`\r${line}${' '.repeat(Math.max(0, this.drawnLength - len))}`);
    this.drawnLength = len;
  }
}
