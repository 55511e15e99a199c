/**
 * The attendance-rate formula, in one place (docs/reports.md explains it for people):
 *
 *   held      = sessions of the course that are closed, or whose end has passed
 *   attended  = present + late + pending   (pending: the student checked in, the teacher has not validated yet)
 *   absent    = held − attended − excused  (a held session without any record counts as absent)
 *   rate      = attended ÷ (held − excused), a fraction 0..1; null when the denominator is 0
 */
export interface StatusCounts {
  held: number;
  present: number;
  late: number;
  excused: number;
  pending: number;
}

export interface RateCounts extends StatusCounts {
  absent: number;
  rate: number | null;
}

export function attended(c: Pick<StatusCounts, 'present' | 'late' | 'pending'>): number {
  return c.present + c.late + c.pending;
}

/** attended ÷ (held − excused), rounded to 4 decimals; null when nothing counts. */
export function rateOf(attendedCount: number, held: number, excused: number): number | null {
  const denominator = held - excused;
  if (denominator <= 0) return null;
  return Math.round((Math.min(attendedCount, denominator) / denominator) * 10_000) / 10_000;
}

/** Completes raw counts with the derived absences and the rate. */
export function withRate(c: StatusCounts): RateCounts {
  const att = attended(c);
  return { ...c, absent: Math.max(0, c.held - att - c.excused), rate: rateOf(att, c.held, c.excused) };
}

/** Difference of two rates (recent − overall), rounded; null when either is unknown. */
export function rateDelta(recent: number | null, overall: number | null): number | null {
  if (recent === null || overall === null) return null;
  return Math.round((recent - overall) * 10_000) / 10_000;
}

/** Minutes relative to the session start that split check-ins into buckets (PostgreSQL width_bucket thresholds). */
export const CHECK_IN_THRESHOLDS = [-5, 0, 5, 10, 15, 30];

/** One label per bucket: index 0 is before the first threshold, the last is at or after the last threshold. */
export function checkInBuckets(): { label: string; fromMinute: number | null; toMinute: number | null }[] {
  const t = CHECK_IN_THRESHOLDS;
  return [
    { label: `< ${t[0]}`, fromMinute: null, toMinute: t[0] },
    ...t.slice(1).map((to, i) => ({ label: `${t[i]} to ${to}`, fromMinute: t[i], toMinute: to })),
    { label: `>= ${t[t.length - 1]}`, fromMinute: t[t.length - 1], toMinute: null },
  ];
}
