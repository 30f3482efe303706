import { describe, expect, it } from 'vitest';
import { findDates } from './date-scan.js';
import { impossibleDates } from './date-validity-judge.js';

const flagged = (text: string): boolean => impossibleDates(text).length > 0;

describe('date mentions', () => {
  it.each([
    'March 32',
    'March 32nd',
    'The deadline is Thursday March 32nd.',
    '32 March 2025',
    'the 32nd of March',
    'February 30',
    'Feb. 30th',
    'February 29, 2025',
    'June 31, 2024',
    '2025-02-30',
    '2025-13-01',
    '31/04/2025',
    '04/31/2025',
    '13/13/2025',
    '31.04.2025',
    'Monday, 5 March 2026',
    'Monday, March 5, 2026',
    'Mon 2026-03-05',
    '5 March 2026 (Monday)',
    'April 0',
  ])('flags %j', (text) => {
    expect(flagged(text)).toBe(true);
  });

  it.each([
    'February 29, 2024',
    'February 29',
    'Thursday, 5 March 2026',
    'Thursday, March 5th, 2026',
    'Thu 05/03/2026',
    '2024-02-29',
    '30/04/2025',
    '05/03/2026',
    'March 31',
    'The soldiers march 40 miles a day.',
    'You may 31 times retry.',
    'March 2026 was busy.',
    'Call me at 12:30 on March 5.',
    'Version 1.2.3 shipped; the lease is 3.14 years.',
    'The statute has 45 sections and 32 subsections.',
    'On March 5, 2000 people attended.',
    'Thursday the 5th of March 2026',
  ])('accepts %j', (text) => {
    expect(flagged(text)).toBe(false);
  });

  it('reads the parts of a date', () => {
    const [d] = findDates('See you on Thursday, 5 March 2026.');
    expect(d).toMatchObject({
      text: 'Thursday, 5 March 2026',
      weekday: 4,
      readings: [{ year: 2026, month: 3, day: 5 }],
    });
  });

  it('keeps one mention for overlapping forms', () => {
    expect(findDates('on 5 March 6 people came').map((d) => d.text)).toEqual(['5 March']);
  });
});
