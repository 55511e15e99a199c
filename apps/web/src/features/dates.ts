/**
 * Dates for the pages a student opens on a phone, with the browser's Intl only: Luxon (≈ 20 KB compressed) stays on
 * the pages that do time-zone arithmetic (calendar, schedule editor, reports). Same output as Luxon's
 * `DateTime.fromISO(iso, { zone }).setLocale(locale).toLocaleString(options)` and `toRelative()`, which are thin layers
 * over the same Intl formatters.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Intl formatters are slow to make (a few per row of a 1,000-student roster): one per locale, zone and options. */
function formatter(locale: string, zone: string | undefined, options: Intl.DateTimeFormatOptions) {
  const key = `${locale}|${zone ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, zone ? { ...options, timeZone: zone } : options);
    formatters.set(key, f);
  }
  return f;
}

/** An ISO string with an offset (or Z) is an instant; one without (a date, a wall-clock time) is read as given. */
const HAS_OFFSET = /\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/**
 * `iso` in time zone `zone` (IANA; absent or '' = this device's) and `locale`; '' for a missing or invalid date or
 * zone. A date or date-time without an offset shows the wall-clock time it names, in any zone (as Luxon's `zone`
 * option does for such strings).
 */
export function formatIn(
  iso: string | null | undefined,
  zone: string | undefined,
  locale: string,
  options: Intl.DateTimeFormatOptions,
): string {
  if (!iso) return '';
  let ms: number;
  let tz = zone || undefined;
  if (HAS_OFFSET.test(iso)) {
    ms = Date.parse(iso);
  } else {
    const m = LOCAL.exec(iso);
    if (!m) return '';
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m;
    ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, +frac.padEnd(3, '0'));
    tz = 'UTC';
  }
  if (Number.isNaN(ms)) return '';
  try {
    return formatter(locale, tz, options).format(ms);
  } catch {
    return ''; // an unknown time zone
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Whole calendar months from `a` to `b` (negative when b is before a), counted as Luxon's diff does. */
function monthsBetween(a: Date, b: Date): number {
  const sign = b >= a ? 1 : -1;
  const [from, to] = sign > 0 ? [a, b] : [b, a];
  let months = (to.getFullYear() - from.getFullYear()) * 12 + (to.getMonth() - from.getMonth());
  const shifted = new Date(from);
  shifted.setMonth(from.getMonth() + months);
  if (shifted > to) months -= 1;
  return sign * months;
}

const relFormatters = new Map<string, Intl.RelativeTimeFormat>();
/**
 * "5 minutes ago", "in 2 days", "há 2 horas": the largest unit with at least one whole step between `base` and
 * `ms` (years, months, days, hours, minutes, seconds; truncated toward zero), as Luxon's `toRelative({ base })`.
 * Never "in 0 seconds" for a past instant: −0 reads "0 seconds ago".
 */
export function relativeTime(ms: number, base: number, locale: string): string {
  let f = relFormatters.get(locale);
  if (!f) {
    f = new Intl.RelativeTimeFormat(locale, { numeric: 'always', style: 'long' });
    relFormatters.set(locale, f);
  }
  const months = monthsBetween(new Date(base), new Date(ms));
  if (Math.abs(months) >= 12) return f.format(Math.trunc(months / 12), 'years');
  if (Math.abs(months) >= 1) return f.format(months, 'months');
  const diff = ms - base;
  for (const [size, unit] of [
    [DAY, 'days'],
    [HOUR, 'hours'],
    [MINUTE, 'minutes'],
  ] as const) {
    if (Math.abs(diff) >= size) return f.format(Math.trunc(diff / size), unit);
  }
  return f.format(Math.trunc(diff / 1000), 'seconds'); // trunc(-0.4) is -0
}

/** "WET", "GMT+1", "EST": the short name of a time zone's offset now (Luxon's 'ZZZZ'); '' for an unknown zone. */
export function zoneLabel(zone: string, locale?: string): string {
  try {
    return (
      new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
        .formatToParts(Date.now())
        .find((p) => p.type === 'timeZoneName')?.value ?? ''
    );
  } catch {
    return '';
  }
}

/** Midnight at the start of this device's day of `d` (a new Date). */
export function startOfDay(d: Date = new Date()): Date {
  const x = new Date(d);
  x.setHours(0, 0, 0, 0);
  return x;
}

/** The last millisecond of this device's day of `d`. */
export function endOfDay(d: Date = new Date()): Date {
  const x = new Date(d);
  x.setHours(23, 59, 59, 999);
  return x;
}

/** `d` plus `days` calendar days on this device (a DST day has 23 or 25 hours, as with Luxon's plus({ days })). */
export function addDays(d: Date, days: number): Date {
  const x = new Date(d);
  x.setDate(x.getDate() + days);
  return x;
}

/**
 * Makes the first date formatter now, while the page waits for the network: the first one a page makes loads the
 * browser's locale data (40–70 ms on this machine's Chromium, several times that on a phone), the next ones are cheap.
 */
export function warmUpDateFormats(locale: string): void {
  formatIn(new Date().toISOString(), undefined, locale, { hour: 'numeric', minute: 'numeric' });
}
