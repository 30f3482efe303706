import { describe, expect, it } from 'vitest';
import { requestId } from './request-id.js';

describe('requestId', () => {
  it('is 32 hex digits led by the time, so ids sort by time, and never repeats', () => {
    const t = Date.UTC(2026, 11, 4, 12, 0, 0);
    const ids = Array.from({ length: 10_000 }, (_, i) => requestId(t + Math.floor(i / 100)));
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]!.slice(0, 12)).toBe(t.toString(16).padStart(12, '0'));
    expect(requestId(t) < requestId(t + 1)).toBe(true);
  });
});
