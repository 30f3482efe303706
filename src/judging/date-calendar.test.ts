import { describe, expect, it } from 'vitest';
import { daysInMonth, isLeapYear, weekdayOf } from './date-calendar.js';

describe('calendar', () => {
  it('knows leap years and month lengths', () => {
    expect([2024, 2000, 2025, 1900].map(isLeapYear)).toEqual([true, true, false, false]);
    expect(daysInMonth(2, 2024)).toBe(29);
    expect(daysInMonth(2, 2025)).toBe(28);
    expect(daysInMonth(2)).toBe(29);
    expect(daysInMonth(4)).toBe(30);
    expect(daysInMonth(12)).toBe(31);
  });

  it('computes weekdays like Date does', () => {
    for (const [y, m, d] of [
      [2026, 3, 5],
      [2024, 2, 29],
      [2000, 1, 1],
      [1999, 12, 31],
      [2025, 7, 14],
    ] as const) {
      expect(weekdayOf(y, m, d)).toBe(new Date(Date.UTC(y, m - 1, d)).getUTCDay());
    }
    expect(weekdayOf(2026, 3, 5)).toBe(4); // a Thursday
  });
});
