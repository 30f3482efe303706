import { dateProblem, weekdayProblem, type CalendarDate } from './date-calendar.js';
import { DATE_PATTERNS, monthNumber, weekdayNumber } from './date-patterns.js';

/** A date written in the text, with every way it can be read (05/03/2026 has two). */
export interface DateMention {
  readonly text: string;
  readonly index: number;
  readonly readings: readonly CalendarDate[];
  /** The weekday written with the date (0 = Sunday), if any. */
  readonly weekday?: number;
}

function readings(kind: string, g: Record<string, string | undefined>): CalendarDate[] {
  const year = g['year'] === undefined ? undefined : Number(g['year']);
  if (kind === 'numeric') {
    const a = Number(g['a']);
    const b = Number(g['b']);
    const dayFirst = { year, month: b, day: a };
    const monthFirst = { year, month: a, day: b };
    return a === b ? [dayFirst] : [dayFirst, monthFirst];
  }
  const month = kind === 'iso' ? Number(g['month']) : monthNumber(g['month']!);
  return [{ year, month, day: Number(g['day']) }];
}

/** Every date mention in the text, left to right; overlapping matches keep the earliest, longest. */
export function findDates(text: string): DateMention[] {
  const found: DateMention[] = [];
  for (const { kind, regex } of DATE_PATTERNS) {
    for (const m of text.matchAll(regex)) {
      const g = m.groups ?? {};
      const wd = g['wd'] ?? g['wd2'];
      const mention: DateMention = { text: m[0].trim(), index: m.index, readings: readings(kind, g) };
      found.push(wd === undefined ? mention : { ...mention, weekday: weekdayNumber(wd) });
    }
  }
  found.sort((x, y) => x.index - y.index || y.text.length - x.text.length);
  const kept: DateMention[] = [];
  let end = -1;
  for (const d of found) {
    if (d.index < end) continue;
    kept.push(d);
    end = d.index + d.text.length;
  }
  return kept;
}

/**
 * Why a mention cannot be a real date, or null. A mention is impossible when
 * none of its readings exists; its weekday is wrong when it has a year and no
 * existing reading falls on that weekday.
 */
export function mentionProblem(d: DateMention): string | null {
  const valid = d.readings.filter((r) => dateProblem(r) === null);
  if (valid.length === 0) {
    const plausible = d.readings.find((r) => r.month >= 1 && r.month <= 12) ?? d.readings[0]!;
    return dateProblem(plausible);
  }
  if (d.weekday === undefined) return null;
  const dated = valid.filter((r): r is Required<CalendarDate> => r.year !== undefined);
  if (dated.length === 0) return null;
  const problems = dated.map((r) => weekdayProblem(r, d.weekday!));
  return problems.includes(null) ? null : problems[0]!;
}
