import { JustificationType, type AttendanceStatus, type JustificationStatus } from '@sysponto/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a session can be justified: an absence at any time (in advance for a session still to come), a late arrival
 * once the session has started; both until `windowDays` after it ends. The one rule behind the filing (its 409/422s)
 * and the calendar's `canJustify`.
 */
export function justificationTiming(
  session: { startsAt: Date; endsAt: Date },
  now: number,
  windowDays: number,
  type: JustificationType,
): 'too-early' | 'window-closed' | null {
  if (now < session.startsAt.getTime() && type !== JustificationType.Absence) return 'too-early';
  if (now > session.endsAt.getTime() + windowDays * DAY_MS) return 'window-closed';
  return null;
}

/** A record with one of these statuses has nothing to justify. */
export const NOTHING_TO_JUSTIFY: readonly AttendanceStatus[] = ['present', 'excused'];

/**
 * Whether a student can file a justification (an absence, the kind always allowed first) for a session now: expected
 * at it, no live justification yet, a record (if any) with something to justify, inside the window. The calendar's
 * `canJustify`; POST /api/justifications refuses the same cases one by one, with their codes.
 */
export function canJustify(
  s: {
    startsAt: Date;
    endsAt: Date;
    expected: boolean;
    status: AttendanceStatus | null;
    justification: JustificationStatus | null;
  },
  now: number,
  windowDays: number,
): boolean {
  return (
    s.expected &&
    s.justification === null &&
    !(s.status && NOTHING_TO_JUSTIFY.includes(s.status)) &&
    justificationTiming(s, now, windowDays, JustificationType.Absence) === null
  );
}
