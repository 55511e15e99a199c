// @vitest-environment node
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, endOfDay, formatIn, relativeTime, startOfDay, zoneLabel } from './dates';

// The Intl-only helpers give what Luxon gave for the same input (Luxon stays a dependency of the pages that do
// time-zone arithmetic, so it is the reference here).
const luxonFormat = (iso: string, zone: string | undefined, locale: string, o: Intl.DateTimeFormatOptions) => {
  const dt = DateTime.fromISO(iso, { zone: zone || 'local' });
  return dt.isValid ? dt.setLocale(locale).toLocaleString(o) : '';
};

const OPTIONS: Intl.DateTimeFormatOptions[] = [
  DateTime.TIME_SIMPLE,
  { ...DateTime.DATETIME_MED, weekday: 'short' },
  { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
  { weekday: 'short', day: 'numeric', month: 'short' },
];

describe('formatIn', () => {
  it('formats an instant in a course time zone as Luxon did', () => {
    const instants = [
      '2026-03-29T00:30:00Z',
      '2026-03-29T01:30:00.000Z',
      '2026-10-25T23:59:59+02:00',
      '2026-12-02T09:05:00Z',
    ];
    for (const iso of instants)
      for (const zone of ['Europe/Lisbon', 'America/Sao_Paulo', 'Asia/Kolkata', 'UTC', undefined, ''])
        for (const locale of ['en-GB', 'pt-PT'])
          for (const o of OPTIONS) expect(formatIn(iso, zone, locale, o)).toBe(luxonFormat(iso, zone, locale, o));
  });

  it('shows the wall-clock time of a string without an offset in any zone, as Luxon did', () => {
    for (const iso of ['2026-12-25', '2026-12-25T08:15', '2026-12-25T08:15:30.250'])
      for (const zone of ['Europe/Lisbon', 'Pacific/Auckland', 'America/Los_Angeles'])
        for (const o of OPTIONS) expect(formatIn(iso, zone, 'en-GB', o)).toBe(luxonFormat(iso, zone, 'en-GB', o));
  });

  it('answers "" for nothing, a bad date or an unknown zone', () => {
    expect(formatIn(null, 'UTC', 'en-GB', DateTime.TIME_SIMPLE)).toBe('');
    expect(formatIn('', 'UTC', 'en-GB', DateTime.TIME_SIMPLE)).toBe('');
    expect(formatIn('yesterday', 'UTC', 'en-GB', DateTime.TIME_SIMPLE)).toBe('');
    expect(formatIn('2026-13-45T99:00:00Z', 'UTC', 'en-GB', DateTime.TIME_SIMPLE)).toBe('');
    expect(formatIn('2026-12-02T09:05:00Z', 'Mars/Olympus', 'en-GB', DateTime.TIME_SIMPLE)).toBe('');
  });
});

describe('relativeTime', () => {
  const base = Date.parse('2026-12-02T12:00:00Z');
  it('picks the largest whole unit as Luxon toRelative did', () => {
    const offsets = [
      -1,
      -999,
      -1000,
      -59_000,
      -5 * 60_000,
      -3599_000,
      -2 * 3600_000,
      -25 * 3600_000,
      -40 * 86400_000,
      -400 * 86400_000,
      30_000,
      3 * 3600_000,
      9 * 86400_000,
      70 * 86400_000,
    ];
    for (const locale of ['en-GB', 'pt-PT'])
      for (const d of offsets)
        expect(relativeTime(base + d, base, locale), `${d} ms`).toBe(
          DateTime.fromMillis(base + d).toRelative({ base: DateTime.fromMillis(base), locale }),
        );
  });

  it('never says "in 0 seconds" for a moment ago', () => {
    expect(relativeTime(base - 1, base, 'en-GB')).toBe('0 seconds ago');
  });
});

describe('day helpers', () => {
  it('start and end of this device’s day, and calendar days ahead', () => {
    const d = new Date(2026, 11, 2, 15, 30);
    expect(startOfDay(d).getTime()).toBe(DateTime.fromJSDate(d).startOf('day').toMillis());
    expect(endOfDay(d).getTime()).toBe(DateTime.fromJSDate(d).endOf('day').toMillis());
    expect(addDays(startOfDay(d), 8).getTime()).toBe(
      DateTime.fromJSDate(d).startOf('day').plus({ days: 8 }).toMillis(),
    );
  });

  it('labels a zone by its short offset name', () => {
    expect(zoneLabel('UTC', 'en-US')).toBe('UTC');
    expect(zoneLabel('Mars/Olympus')).toBe('');
  });
});
