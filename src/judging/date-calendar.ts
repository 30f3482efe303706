/** The proleptic Gregorian calendar, for checking that a written date exists. */

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** Index 0 is Sunday, as in Date.prototype.getUTCDay. */
export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1–12); February without a year has 29 (it might be a leap year). */
export function daysInMonth(month: number, year?: number): number {
  if (month === 2) return year === undefined || isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Day of the week (0 = Sunday) of a Gregorian date, by Sakamoto's method. */
export function weekdayOf(year: number, month: number, day: number): number {
  const t = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
  const y = month < 3 ? year - 1 : year;
  const w = (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + t[month - 1]! + day) % 7;
  return (w + 7) % 7;
}

export interface CalendarDate {
  readonly year?: number;
  readonly month: number;
  readonly day: number;
}

/** Why the date cannot exist, or null when it can. */
export function dateProblem(d: CalendarDate): string | null {
  if (d.month < 1 || d.month > 12) return `there is no month ${d.month}`;
  const name = MONTH_NAMES[d.month - 1]!;
  if (d.day < 1) return `there is no day ${d.day}`;
  const max = daysInMonth(d.month, d.year);
  if (d.day <= max) return null;
  if (d.month === 2 && d.year !== undefined && d.day === 29) return `${d.year} is not a leap year`;
  return d.month === 2 && d.year !== undefined ? `February ${d.year} has ${max} days` : `${name} has ${max} days`;
}

/** Why the stated weekday is wrong for the date, or null when it matches (the date must exist and have a year). */
export function weekdayProblem(d: Required<CalendarDate>, weekday: number): string | null {
  const actual = weekdayOf(d.year, d.month, d.day);
  if (actual === weekday) return null;
  return `${d.day} ${MONTH_NAMES[d.month - 1]!} ${d.year} is a ${WEEKDAY_NAMES[actual]!}, not a ${WEEKDAY_NAMES[weekday]!}`;
}
