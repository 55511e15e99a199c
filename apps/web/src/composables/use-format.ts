import { DateTime } from 'luxon';
import { useI18n } from 'vue-i18n';

/** Dates and times in a course's time zone (SPEC §3: the UI shows course time), in the UI language. */
export function formatIn(
  iso: string | null | undefined,
  zone: string | undefined,
  locale: string,
  fmt: Intl.DateTimeFormatOptions,
): string {
  if (!iso) return '';
  const dt = DateTime.fromISO(iso, { zone: zone || 'local' });
  return dt.isValid ? dt.setLocale(locale).toLocaleString(fmt) : '';
}

export interface StatusCounts {
  present: number;
  late: number;
  absent: number;
  excused: number;
}

export function useFormat() {
  const { locale, t } = useI18n();
  const loc = () => (locale.value === 'pt' ? 'pt-PT' : 'en-GB');
  return {
    dateTime: (iso?: string | null, zone?: string) =>
      formatIn(iso, zone, loc(), { ...DateTime.DATETIME_MED, weekday: 'short' }),
    date: (iso?: string | null, zone?: string) =>
      formatIn(iso, zone, loc(), { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }),
    time: (iso?: string | null, zone?: string) => formatIn(iso, zone, loc(), DateTime.TIME_SIMPLE),
    range: (start: string, end: string, zone?: string) =>
      `${formatIn(start, zone, loc(), { weekday: 'short', day: 'numeric', month: 'short' })}, ${formatIn(start, zone, loc(), DateTime.TIME_SIMPLE)}–${formatIn(end, zone, loc(), DateTime.TIME_SIMPLE)}`,
    percent: (fraction: number | null | undefined) =>
      fraction == null || Number.isNaN(fraction)
        ? '—'
        : new Intl.NumberFormat(loc(), { style: 'percent', maximumFractionDigits: 0 }).format(fraction),
    relative: (iso?: string | null) => (iso ? (DateTime.fromISO(iso).setLocale(loc()).toRelative() ?? '') : ''),
    zoneLabel: (zone?: string) => (zone ? DateTime.now().setZone(zone).toFormat('ZZZZ') : ''),
    /** "3 presenças · 1 atraso · 2 faltas · 1 justificada": each count with its own plural form. */
    statusCounts: (c: StatusCounts) =>
      (['present', 'late', 'absent', 'excused'] as const).map((k) => t(`history.counts.${k}`, c[k])).join(' · '),
  };
}
