import { CHECK_IN_THRESHOLDS } from './report-math.js';

/** SQL for "this session is held" (closed, or ended and not cancelled): the database function, the one definition. */
export const HELD = `attendance_session_held(s.state, s.ends_at)`;

/**
 * `col` (a session start) within [from, to] as local dates of the time zone `tz` (an SQL expression).
 * `fromParam`/`toParam` are parameter placeholders holding a date or null.
 */
export function startsInRange(tz: string, fromParam: string, toParam: string, col = 'x.starts_at'): string {
  return `(${fromParam}::date IS NULL OR ${col} >= (${fromParam}::date)::timestamp AT TIME ZONE ${tz})
      AND (${toParam}::date IS NULL OR ${col} < (${toParam}::date + 1)::timestamp AT TIME ZONE ${tz})`;
}

/** Sessions (alias s) whose start lies in [from, to] in the zone `tz`. */
export function inRange(tz: string, fromParam: string, toParam: string): string {
  return startsInRange(tz, fromParam, toParam, 's.starts_at');
}

/** One int column per check-in bucket, as an int[] `buckets` (rows alias x with a `bucket` column). */
export const BUCKET_ARRAY = `ARRAY[${Array.from({ length: CHECK_IN_THRESHOLDS.length + 1 }, (_, i) => `count(*) FILTER (WHERE x.bucket = ${i})`).join(', ')}]::int[] AS buckets`;

/**
 * width_bucket index (0..n) of the check-in minute relative to the session start (rows alias x of
 * `attendance_expected`); null without a check-in time. date_part (double precision), not extract (numeric): numeric
 * maths per record is slow on the embedded database.
 */
export const BUCKET_OF = `width_bucket(date_part('epoch', x.checked_in_at - x.starts_at) / 60, ARRAY[${CHECK_IN_THRESHOLDS.join(', ')}]::float8[])`;
