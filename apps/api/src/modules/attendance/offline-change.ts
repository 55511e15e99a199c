import type { EntityManager } from 'typeorm';
import { AttendanceEventEntity } from './attendance-event.entity.js';

/**
 * A teacher's change made offline and sent later (the SPA's offline queue sends `recordedAt`). The rule: the later
 * change by server time wins. Its event is logged at the time it was made (so two offline changes replayed in
 * order, or an offline change and a check-in made meanwhile, compare by when they happened) with the reason
 * "recorded offline at …". The client converts its own clock to the server's (from the `Date` of earlier
 * answers); a time in the future is taken as now, so a fast device clock cannot make a change "later" than ones
 * the server has already seen.
 */
export function offlineTime(recordedAt: string, now = new Date()): Date {
  const at = new Date(recordedAt);
  return at > now ? now : at;
}

/** The event-log reason of an offline change: when it was made, then the teacher's note if any (≤ 500 chars). */
export function offlineReason(at: Date, note?: string | null): string {
  const text = `recorded offline at ${at.toISOString()}${note ? `: ${note}` : ''}`;
  return text.length > 500 ? text.slice(0, 500) : text;
}

export type LatestAttendanceEvent = Pick<AttendanceEventEntity, 'toStatus' | 'source' | 'createdAt'>;

/** The last status change of a student at a session (the attendance_events index covers it). */
export async function findLatestAttendanceEvent(
  m: EntityManager,
  sessionId: string,
  studentId: string,
): Promise<LatestAttendanceEvent | null> {
  const e = await m.findOne(AttendanceEventEntity, {
    select: { id: true, toStatus: true, source: true, createdAt: true },
    where: { sessionId, studentId },
    order: { createdAt: 'DESC', id: 'DESC' },
  });
  return e ? { toStatus: e.toStatus, source: e.source, createdAt: e.createdAt } : null;
}
