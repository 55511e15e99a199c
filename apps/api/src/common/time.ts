import { IANAZone } from 'luxon';

/** An IANA time zone luxon knows (e.g. Europe/Lisbon), at most 64 characters (the column's length). */
export function isValidTimeZone(zone: string): boolean {
  return typeof zone === 'string' && zone.length <= 64 && IANAZone.isValidZone(zone) && zone !== 'Etc/Unknown';
}

/** An ISO 8601 UTC timestamp for a value read from the database (Date or string); null stays null. */
export function iso(d: Date | string | null): string | null {
  return d ? new Date(d).toISOString() : null;
}
