import { describe, expect, it } from 'vitest';
import { clockOf } from '../../kernel/clock.js';
import type { ArmMeasure, ItemMeasure } from '../core/measurement.js';
import { ProgressReporter, renderProgress, type ProgressState } from './progress.js';

const perSlice = new Map([
  ['legal', { n: 9, mean: 0.67 }],
  ['fr', { n: 9, mean: 0.7 }],
  ['legal/ip-licensing', { n: 5, mean: 0.41 }],
  ['fr/fr-BE', { n: 3, mean: 0.52 }],
  ['empty', { n: 0, mean: 0 }],
]);
const state: ProgressState = { done: 412, total: 1200, errors: 3, perSlice, elapsedMs: 61_000, costUsd: 0.4821 };
const chars = (s: string) => [...s].length;

describe('renderProgress', () => {
  it('shows the bar, counts, errors, ETA, spend and the three worst slices', () => {
    expect(renderProgress(state, 140)).toBe(
      '[##########....................] 412/1200 34% 3 err ETA 1m57s $0.4821 worst: legal/ip-licensing 0.41, fr/fr-BE 0.52, legal 0.67',
    );
  });

  it('never exceeds the width, shortening slices first and the bar last', () => {
    for (let width = 1; width <= 200; width++)
      expect(chars(renderProgress(state, width)), `width ${width}`).toBeLessThanOrEqual(width);
    expect(renderProgress(state, 100)).toBe(
      '[#####..........] 412/1200 34% 3 err ETA 1m57s $0.4821 worst: legal/ip-licensing 0.41, fr/fr-BE 0.52',
    );
    expect(renderProgress(state, 90)).toBe(
      '[####.......] 412/1200 34% 3 err ETA 1m57s $0.4821 worst: …p-licensing 0.41, fr/fr-BE 0.52',
    );
    expect(renderProgress(state)).toBe(
      '[###.......] 412/1200 34% 3 err ETA 1m57s $0.4821 worst: legal/ip-licensing 0.41',
    );
    expect(renderProgress(state, 60)).toBe('[#######..............] 412/1200 34% 3 err ETA 1m57s $0.4821');
    expect(renderProgress(state, 40)).toBe('412/1200 34% 3 err ETA 1m57s $0.4821');
    expect(renderProgress(state, 20)).toBe('412/1200 34% 3 err…');
  });

  it('fills the bar in proportion and reports the time taken at the end', () => {
    expect(renderProgress({ ...state, done: 600, errors: 0, perSlice: new Map() }, 50)).toBe(
      '[#########........] 600/1200 50% ETA 1m01s $0.4821',
    );
    expect(renderProgress({ ...state, done: 1200, elapsedMs: 3_725_000, costUsd: 12.5, perSlice: new Map() }, 71)).toBe(
      '[##############################] 1200/1200 100% 3 err took 1h02m $12.50',
    );
  });

  it('does without a bar and ETA while the total is unknown or nothing is done', () => {
    expect(renderProgress({ ...state, total: 0, errors: 0, perSlice: new Map() })).toBe(
      '412 items elapsed 1m01s $0.4821',
    );
    expect(renderProgress({ ...state, done: 0, errors: 0, costUsd: 0, perSlice: new Map(), elapsedMs: 400 }, 40)).toBe(
      '[...........] 0/1200 0% elapsed 0s $0.00',
    );
  });

  it('strips control characters from slice names', () => {
    const line = renderProgress(
      { ...state, perSlice: new Map([['evil\u001b[2J\r\nname\u0007', { n: 1, mean: 0.1 }]]) },
      200,
    );
    expect(line).toContain('worst: evil[2J  name 0.10');
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

function arm(fields: Partial<ArmMeasure> = {}): ArmMeasure {
  return {
    error: null,
    score: 0.8,
    judgeError: null,
    flags: {},
    latencyMs: 400,
    costUsd: 0.01,
    tokens: 300,
    ...fields,
  };
}

function measure(slice: string, candidate: Partial<ArmMeasure> = {}, baseline: ArmMeasure | null = arm()): ItemMeasure {
  return { item: { id: `${slice}-x`, slice, messages: [], vars: {}, line: 1 }, candidate: arm(candidate), baseline };
}

function sink(columns?: number) {
  const writes: string[] = [];
  return { writes, stream: { write: (t: string) => writes.push(t), ...(columns !== undefined ? { columns } : {}) } };
}

describe('ProgressReporter', () => {
  it('writes nothing when not enabled', () => {
    const { writes, stream } = sink();
    const p = new ProgressReporter(stream, false);
    p.item(measure('legal'), 1, 10);
    p.update(state);
    p.finish();
    expect(writes).toEqual([]);
    expect(p.enabled).toBe(false);
  });

  it('redraws in place at most every 100 ms and ends the line on finish', () => {
    let now = 1_000;
    const { writes, stream } = sink(101);
    const p = new ProgressReporter(stream, true, { clock: clockOf(() => now) });
    p.item(measure('legal', { score: 0.9 }), 1, 4);
    now += 50;
    p.item(measure('legal/ip-licensing', { score: 0.3 }), 2, 4);
    expect(writes).toHaveLength(1);
    now += 60;
    p.item(measure('fr', { error: 'timeout', score: null, costUsd: 0 }), 3, 4);
    now += 10;
    p.item(measure('legal', { score: 0.7, judgeError: 'unparsable' }), 4, 4);
    expect(writes).toHaveLength(2);
    p.finish();
    expect(writes).toHaveLength(4);
    expect(writes.slice(0, 3).every((w) => w.startsWith('\r') && chars(w) <= 101)).toBe(true);
    const [first, second, last] = writes.map((w) => w.slice(w.indexOf(']') + 2));
    expect(first).toBe('1/4 25% ETA 0s $0.0200 worst: legal 0.90');
    expect(second).toBe('3/4 75% 1 err ETA 0s $0.0500 worst: legal/ip-licensing 0.30, legal 0.90');
    // The last item drawn on finish: legal's running mean is (0.9 + 0.7) / 2, the cost counts both arms.
    expect(last).toMatch(/^4\/4 100% 2 err took 0s \$0\.0700 worst: .*0\.30, legal 0\.80/);
    expect(writes[3]).toBe('\n');
  });

  it('pads a shorter line over the longer one before it', () => {
    let now = 0;
    const { writes, stream } = sink(200);
    const p = new ProgressReporter(stream, true, { clock: clockOf(() => now) });
    p.update(state);
    now += 100;
    p.update({ ...state, perSlice: new Map() });
    expect(chars(writes[1]!)).toBe(chars(writes[0]!));
    expect(writes[1]!.trimEnd()).toBe('\r[##########....................] 412/1200 34% 3 err ETA 1m57s $0.4821');
  });

  it('writes nothing on finish when nothing was reported', () => {
    const { writes, stream } = sink();
    new ProgressReporter(stream, true).finish();
    expect(writes).toEqual([]);
  });
});
