import type { NewNotification } from '../notifications/notifications.service.js';
import type { AppliedChange } from './status-change.js';

export interface SessionLabel {
  courseCode: string;
  title: string | null;
  startsAt: Date;
  timezone: string;
}

/** The student's notification for a status change: a validation, an override, or an absence at closing. */
export function attendanceNotice(change: AppliedChange, session: SessionLabel, note?: string | null): NewNotification {
  const validated = change.previousStatus === 'pending' && (change.status === 'present' || change.status === 'late');
  const base = {
    courseCode: session.courseCode,
    title: session.title,
    startsAt: session.startsAt.toISOString(),
    timezone: session.timezone,
    note: note ?? null,
  };
  return validated
    ? {
        userId: change.studentId,
        type: 'attendance.validated',
        params: { ...base, status: change.status as 'present' | 'late' },
        link: '/student/history',
      }
    : {
        userId: change.studentId,
        type: 'attendance.updated',
        params: { ...base, status: change.status },
        link: '/student/history',
      };
}
