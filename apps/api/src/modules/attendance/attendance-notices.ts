import type { AttendanceStatus } from '@sysponto/contracts';
import { DateTime } from 'luxon';
import type { NewNotification } from '../notifications/notifications.service.js';
import type { AppliedChange } from './status-change.js';

export interface SessionLabel {
  courseCode: string;
  title: string | null;
  startsAt: Date;
  timezone: string;
}

const WORDS: Record<AttendanceStatus, string> = {
  pending: 'awaiting validation',
  present: 'present',
  late: 'late',
  absent: 'absent',
  excused: 'excused',
};

/** The student's notification for a status change: a validation, an override, or an absence at closing. */
export function attendanceNotice(change: AppliedChange, session: SessionLabel, note?: string | null): NewNotification {
  const when = DateTime.fromJSDate(session.startsAt).setZone(session.timezone).toFormat('ccc d LLL yyyy, HH:mm');
  const what = session.title ? `${session.courseCode} – ${session.title}` : session.courseCode;
  const validated = change.previousStatus === 'pending' && (change.status === 'present' || change.status === 'late');
  return {
    userId: change.studentId,
    type: validated ? 'attendance.validated' : 'attendance.updated',
    title: validated
      ? `${session.courseCode}: check-in validated (${WORDS[change.status]})`
      : `${session.courseCode}: marked ${WORDS[change.status]}`,
    body: `Your attendance for ${what} on ${when} is now ${WORDS[change.status]}.${note ? ` Note: ${note}` : ''}`,
    link: '/student/history',
  };
}
