import { DateTime } from 'luxon';

/** Limits of a planned session or series (documented in the OpenAPI descriptions). */
export const MAX_SESSION_HOURS = 12;
export const MAX_SERIES_SESSIONS = 400;

export interface WeeklySeries {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: number[];
  /** "HH:mm" local time in `zone`. */
  startTime: string;
  endTime: string;
  /** "YYYY-MM-DD", both inclusive, local dates in `zone`. */
  from: string;
  to: string;
  /** "YYYY-MM-DD" local dates in `zone` the series skips (holidays, a school trip …). */
  exceptDates?: string[];
}

/** A date of the range the series skipped: one of its exceptDates, or a holiday of the school calendar. */
export interface SkippedDate {
  date: string;
  reason: 'exception' | 'holiday';
  /** The holiday's name. */
  name: string | null;
}

export interface PlannedSlot {
  startsAt: Date;
  endsAt: Date;
}

export type SeriesProblem =
  | { field: string; reason: string; kind: 'invalid' }
  | { field: string; reason: string; kind: 'too-many'; count: number };

function hm(value: string): { hour: number; minute: number } {
  const [hour, minute] = value.split(':').map(Number);
  return { hour, minute };
}

/**
 * A wall-clock time on a local date in a zone. In a spring-forward gap (e.g. 01:30 on the day clocks jump from 01:00
 * to 02:00) luxon moves the time forward by the gap; on a fall-back overlap it picks the first (earlier) instant.
 */
export function localInstant(date: DateTime, time: string, zone: string): DateTime {
  return DateTime.fromObject({ year: date.year, month: date.month, day: date.day, ...hm(time) }, { zone });
}

/** Checks one session's times: end after start, at most MAX_SESSION_HOURS long. Returns a reason or null. */
export function durationProblem(startsAt: Date, endsAt: Date): string | null {
  const ms = endsAt.getTime() - startsAt.getTime();
  if (!(ms > 0)) return 'must be after the start';
  if (ms > MAX_SESSION_HOURS * 3_600_000) return `a session lasts at most ${MAX_SESSION_HOURS} hours`;
  return null;
}

/**
 * Expands a weekly series into sessions: every local date in [from, to] whose ISO weekday is listed, from startTime to
 * endTime in the course's zone. Each session is computed from the local wall clock, so a 09:00 class stays 09:00 local
 * on both sides of a DST change (its UTC instant moves). Same-day only (endTime after startTime).
 */
export function expandWeeklySeries(
  series: WeeklySeries,
  zone: string,
  /** The school's holidays ("YYYY-MM-DD" → name), skipped like exception dates. */
  holidays: ReadonlyMap<string, string> = new Map(),
): { slots: PlannedSlot[]; skipped: SkippedDate[] } | { problem: SeriesProblem } {
  const from = DateTime.fromISO(series.from, { zone });
  const to = DateTime.fromISO(series.to, { zone });
  if (!from.isValid)
    return { problem: { field: 'series.from', reason: 'must be a valid date (YYYY-MM-DD)', kind: 'invalid' } };
  if (!to.isValid)
    return { problem: { field: 'series.to', reason: 'must be a valid date (YYYY-MM-DD)', kind: 'invalid' } };
  if (to < from) return { problem: { field: 'series.to', reason: 'must be on or after series.from', kind: 'invalid' } };
  const start = hm(series.startTime);
  const end = hm(series.endTime);
  const minutes = end.hour * 60 + end.minute - (start.hour * 60 + start.minute);
  if (minutes <= 0)
    return {
      problem: { field: 'series.endTime', reason: 'must be after series.startTime (same day)', kind: 'invalid' },
    };
  if (minutes > MAX_SESSION_HOURS * 60)
    return {
      problem: {
        field: 'series.endTime',
        reason: `a session lasts at most ${MAX_SESSION_HOURS} hours`,
        kind: 'invalid',
      },
    };
  // Bound the loop before walking the calendar: 400 weekly sessions never need more than ~400 weeks.
  const days = Math.round(to.diff(from, 'days').days) + 1;
  const weekdays = new Set(series.weekdays);
  const estimate = Math.floor(days / 7) * weekdays.size;
  if (estimate > MAX_SERIES_SESSIONS) {
    return {
      problem: {
        field: 'series',
        reason: `a series makes at most ${MAX_SERIES_SESSIONS} sessions (this one makes at least ${estimate})`,
        kind: 'too-many',
        count: estimate,
      },
    };
  }
  const except = new Set(series.exceptDates ?? []);
  const slots: PlannedSlot[] = [];
  const skipped: SkippedDate[] = [];
  for (let day = from; day <= to; day = day.plus({ days: 1 })) {
    if (!weekdays.has(day.weekday)) continue;
    const date = day.toISODate()!;
    if (except.has(date)) {
      skipped.push({ date, reason: 'exception', name: null });
      continue;
    }
    const holiday = holidays.get(date);
    if (holiday !== undefined) {
      skipped.push({ date, reason: 'holiday', name: holiday });
      continue;
    }
    const s = localInstant(day, series.startTime, zone);
    const e = localInstant(day, series.endTime, zone);
    // A DST gap can squeeze a session to nothing (e.g. 01:00–01:30 on spring-forward night): skip it rather than fail.
    if (e <= s) continue;
    slots.push({ startsAt: s.toJSDate(), endsAt: e.toJSDate() });
  }
  if (slots.length > MAX_SERIES_SESSIONS) {
    return {
      problem: {
        field: 'series',
        reason: `a series makes at most ${MAX_SERIES_SESSIONS} sessions (this one makes ${slots.length})`,
        kind: 'too-many',
        count: slots.length,
      },
    };
  }
  if (slots.length === 0)
    return {
      problem: skipped.length
        ? {
            field: 'series.exceptDates',
            reason: 'skip every date of the series (exceptions and holidays)',
            kind: 'invalid',
          }
        : { field: 'series.weekdays', reason: 'no date in the range falls on these weekdays', kind: 'invalid' },
    };
  return { slots, skipped };
}

/** An instant as ISO 8601 with the zone's offset at that instant, e.g. 2026-03-30T09:00:00.000+01:00. */
export function isoInZone(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).toISO() ?? d.toISOString();
}

/**
 * Moves a session to new local times of day on its own local date (used when a series is edited from one session on).
 * Missing times keep the session's current local time.
 */
export function retime(slot: PlannedSlot, zone: string, startTime?: string, endTime?: string): PlannedSlot {
  const localStart = DateTime.fromJSDate(slot.startsAt, { zone });
  const s = startTime ? localInstant(localStart, startTime, zone).toJSDate() : slot.startsAt;
  const e = endTime ? localInstant(localStart, endTime, zone).toJSDate() : slot.endsAt;
  return { startsAt: s, endsAt: e };
}
