import { DateTime, IANAZone } from 'luxon';

/** An IANA time zone luxon knows (e.g. Europe/Lisbon), at most 64 characters (the column's length). */
export function isValidTimeZone(zone: string): boolean {
  return typeof zone === 'string' && zone.length <= 64 && IANAZone.isValidZone(zone) && zone !== 'Etc/Unknown';
}

/** An ISO 8601 UTC timestamp for a value read from the database (Date or string); null stays null. */
export function iso(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

/**
 * A moment as people read it in mail and notifications, in the course's time zone and the reader's language, 24 h
 * in both: "Mon, 30 Mar 2026, 09:00" / "seg., 30/03/2026, 09:00". Takes a Date or an ISO 8601 string.
 */
export function formatWhen(at: Date | string, timezone: string, locale: 'en' | 'pt'): string {
  const moment =
    typeof at === 'string' ? DateTime.fromISO(at, { zone: timezone }) : DateTime.fromJSDate(at, { zone: timezone });
  return moment.setLocale(locale === 'pt' ? 'pt-PT' : 'en-GB').toLocaleString({
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
}
