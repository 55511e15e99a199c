import { useI18n } from 'vue-i18n';
import { formatIn, relativeTime, zoneLabel } from '@/features/dates';

/** Luxon's DATETIME_MED and TIME_SIMPLE. */
const DATETIME_MED: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
};
const TIME_SIMPLE: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: 'numeric' };

export interface StatusCounts {
  present: number;
  late: number;
  absent: number;
  excused: number;
}

const percents = new Map<string, Intl.NumberFormat>();
const percentFormat = (locale: string) => {
  let f = percents.get(locale);
  if (!f) percents.set(locale, (f = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })));
  return f;
};

/**
 * Dates and times in a course's time zone (SPEC §3: the UI shows course time), in the UI language — with Intl only
 * (features/dates.ts), so that Luxon is not loaded by the pages a student opens on a phone.
 */
export function useFormat() {
  const { locale, t } = useI18n();
  const loc = () => (locale.value === 'pt' ? 'pt-PT' : 'en-GB');
  return {
    dateTime: (iso?: string | null, zone?: string) => formatIn(iso, zone, loc(), { ...DATETIME_MED, weekday: 'short' }),
    date: (iso?: string | null, zone?: string) =>
      formatIn(iso, zone, loc(), { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
    time: (iso?: string | null, zone?: string) => formatIn(iso, zone, loc(), TIME_SIMPLE),
    range: (start: string, end: string, zone?: string) =>
      `${formatIn(start, zone, loc(), { weekday: 'short', day: 'numeric', month: 'short' })}, ${formatIn(start, zone, loc(), TIME_SIMPLE)}–${formatIn(end, zone, loc(), TIME_SIMPLE)}`,
    percent: (fraction: number | null | undefined) =>
      fraction == null || Number.isNaN(fraction) ? '—' : percentFormat(loc()).format(fraction),
    relative: (iso?: string | null) => {
      const ms = iso ? Date.parse(iso) : NaN;
      return Number.isNaN(ms) ? '' : relativeTime(ms, Date.now(), loc());
    },
    zoneLabel: (zone?: string) => (zone ? zoneLabel(zone) : ''),
    /** "3 presenças · 1 atraso · 2 faltas · 1 justificada": each count with its own plural form. */
    statusCounts: (c: StatusCounts) =>
      (['present', 'late', 'absent', 'excused'] as const).map((k) => t(`history.counts.${k}`, c[k])).join(' · '),
  };
}
