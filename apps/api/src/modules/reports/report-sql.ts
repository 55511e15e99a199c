import { CHECK_IN_THRESHOLDS } from './report-math.js';

/** SQL for "this session is held": closed, or its end has passed. */
export const HELD = `(s.state = 'closed' OR s.ends_at <= now())`;

/**
 * Sessions whose start lies in [from, to] as local dates of the time zone `tz` (an SQL expression).
 * `fromParam`/`toParam` are parameter placeholders holding a date or null.
 */
export function inRange(tz: string, fromParam: string, toParam: string): string {
  return `(${fromParam}::date IS NULL OR s.starts_at >= (${fromParam}::date)::timestamp AT TIME ZONE ${tz})
      AND (${toParam}::date IS NULL OR s.starts_at < (${toParam}::date + 1)::timestamp AT TIME ZONE ${tz})`;
}

/** One int column per check-in bucket, as an int[] `buckets` (records alias r with a `bucket` column). */
export const BUCKET_ARRAY = `ARRAY[${Array.from({ length: CHECK_IN_THRESHOLDS.length + 1 }, (_, i) => `count(*) FILTER (WHERE r.bucket = ${i})`).join(', ')}]::int[] AS buckets`;

/**
 * width_bucket index (0..n) of the check-in minute relative to the session start; null without a check-in time.
 * date_part (double precision), not extract (numeric): numeric maths per record is slow on the embedded database.
 */
export const BUCKET_OF = `width_bucket(date_part('epoch', r.checked_in_at - s.starts_at) / 60, ARRAY[${CHECK_IN_THRESHOLDS.join(', ')}]::float8[])`;
