/**
 * Regular expressions for dates written in English. Month and weekday names
 * must be capitalized ("March", "Mar.", "Thursday", "Thu"), as English writes
 * them, so the verb "march" or the modal "may" are not taken for months.
 * Each pattern has named groups: wd (a weekday before the date), wd2 (a
 * weekday in parentheses after it), day, month, year, and for numeric dates
 * a and b (the two ambiguous numbers of 05/03/2026).
 */

const MONTH =
  '(?<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\b\\.?';
const WEEKDAY = (group: string): string =>
  `(?<${group}>Mon(?:day)?|Tue(?:s(?:day)?)?|Wed(?:nesday)?|Thu(?:r(?:s(?:day)?)?)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)\\b\\.?`;
const BEFORE = `(?:\\b${WEEKDAY('wd')},?\\s+(?:the\\s+)?)?`;
const AFTER = `(?:\\s*\\((?:a\\s+)?${WEEKDAY('wd2')}\\))?`;
/** A day number, with an ordinal suffix or not, that is not part of a longer number, a time or a word. */
const DAY = '(?<!\\d)(?<day>\\d{1,2})(?:st|nd|rd|th)?(?![A-Za-z\\d]|[:.,/-]\\d)';
const YEAR = '(?<year>\\d{4})(?!\\d)';

/** "March 32nd", "Thursday March 32nd", "February 29, 2024", "Mar. 5th 2026". */
const MONTH_DAY = `${BEFORE}\\b${MONTH}\\s+(?:the\\s+)?${DAY}(?:,?\\s+(?:of\\s+)?${YEAR})?${AFTER}`;
/** "32 March 2025", "Thursday, 5 March 2026", "the 5th of March". */
const DAY_MONTH = `${BEFORE}(?:\\bthe\\s+)?${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+${YEAR})?${AFTER}`;
/** "2025-02-30", "2025/02/30". */
const ISO = `${BEFORE}(?<![\\d./-])${YEAR}(?<sep>[-/.])(?<month>\\d{1,2})\\k<sep>(?<day>\\d{1,2})(?![\\d]|[./-]\\d)${AFTER}`;
/** "31/04/2025", "04.31.2025": day and month, in either order. */
const NUMERIC = `${BEFORE}(?<![\\d./-])(?<a>\\d{1,2})(?<sep>[-/.])(?<b>\\d{1,2})\\k<sep>${YEAR}(?![./-]\\d)${AFTER}`;

export type DatePatternKind = 'month-day' | 'day-month' | 'iso' | 'numeric';

export const DATE_PATTERNS: readonly { readonly kind: DatePatternKind; readonly regex: RegExp }[] = [
  { kind: 'month-day', regex: new RegExp(MONTH_DAY, 'g') },
  { kind: 'day-month', regex: new RegExp(DAY_MONTH, 'g') },
  { kind: 'iso', regex: new RegExp(ISO, 'g') },
  { kind: 'numeric', regex: new RegExp(NUMERIC, 'g') },
];

/** Month number (1–12) of a month name or abbreviation. */
export function monthNumber(name: string): number {
  const i = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].indexOf(
    name.slice(0, 3).toLowerCase(),
  );
  if (i < 0) throw new RangeError(`not a month: ${name}`);
  return i + 1;
}

/** Weekday number (0 = Sunday) of a weekday name or abbreviation. */
export function weekdayNumber(name: string): number {
  const i = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].indexOf(name.slice(0, 3).toLowerCase());
  if (i < 0) throw new RangeError(`not a weekday: ${name}`);
  return i;
}
