import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, and stops at the first level past the limit', () => {
    expect(nestsDeeperThan(bytes(nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(bytes(nested(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(bytes('{"a":{"b":[{"c":1}]}}'), 3)).toBe(true);
    expect(nestsDeeperThan(bytes('{"a":{"b":[{"c":1}]}}'), 4)).toBe(false);
    expect(nestsDeeperThan(bytes(nested(100_000)), MAX_JSON_DEPTH)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ content: `${'['.repeat(1000)} "quoted \\" {{{ é ✓` });
    expect(nestsDeeperThan(bytes(text), 1)).toBe(false);
    expect(nestsDeeperThan(bytes(JSON.stringify([['\\', '"']])), 2)).toBe(false);
  });
});
