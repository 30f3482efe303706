import { describe, expect, it } from 'vitest';
import { PackedLines } from './core/packed-lines.js';
import { checkSuite, MAX_SUITE_LINE_BYTES } from './suite.js';

const item = (id: string, input: string) => JSON.stringify({ id, slice: 'billing', input });
/** A line of exactly `bytes` bytes. */
const lineOf = (id: string, bytes: number) => item(id, 'a'.repeat(bytes - item(id, '').length));

describe('a suite line is capped at 1 MiB', () => {
  const atCap = lineOf('at-cap', MAX_SUITE_LINE_BYTES);
  const over = lineOf('over', MAX_SUITE_LINE_BYTES + 1);
  const text = (last: string) => `${item('a', 'hi')}\n${last}\n`;

  it('takes a line of exactly the cap, from text, bytes or packed bytes', () => {
    expect(MAX_SUITE_LINE_BYTES).toBe(1024 * 1024);
    const bytes = Buffer.from(text(atCap));
    for (const src of [text(atCap), bytes, PackedLines.pack(bytes)]) expect(checkSuite('s.jsonl', src)).toBe(2);
  });

  it('refuses one byte more, naming file and line, from text, bytes or packed bytes', () => {
    const bytes = Buffer.from(text(over));
    for (const src of [text(over), bytes, PackedLines.pack(bytes)])
      expect(() => checkSuite('s.jsonl', src)).toThrow(
        's.jsonl:2: the line is 1048577 bytes; a suite line may hold at most 1048576 bytes (1 MiB)',
      );
  });

  it('counts bytes, not characters', () => {
    const wide = item('wide', 'é'.repeat(MAX_SUITE_LINE_BYTES / 2));
    expect(() => checkSuite('s.jsonl', text(wide))).toThrow(/s\.jsonl:2: the line is \d+ bytes/);
  });
});
