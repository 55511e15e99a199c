import { defineErrors } from '../../common/app-error.js';

export const AttendanceErrors = defineErrors({
  /** One answer for any code that matches nothing of the student's: no oracle across courses. */
  codeInvalid: {
    code: 'attendance/code-invalid',
    status: 400,
    message: 'This code is not valid. Check it and try again.',
  },
  codeExpired: {
    code: 'attendance/code-expired',
    status: 410,
    details: '{sessionId: uuid} — the session whose code it was',
    message: 'This code has expired. Ask your teacher for the current one.',
  },
  sessionNotOpen: {
    code: 'attendance/session-not-open',
    status: 409,
    details: '{sessionId: uuid, opensAt: date-time, endsAt: date-time}',
    message: 'Check-in for this session is not open.',
  },
  tooManyAttempts: {
    code: 'attendance/too-many-attempts',
    status: 429,
    details: '{retryAfterSeconds: integer} — the limit also ends by itself then; the teacher can end it sooner',
    message: 'Too many wrong codes. Ask your teacher to let you try again, or to mark you present.',
  },
  studentsOnly: { code: 'attendance/students-only', status: 403, message: 'Only students check in.' },
  codeWindowClosed: {
    code: 'attendance/check-in-closed',
    status: 409,
    message: 'Codes can be generated only while the session is open for check-in.',
  },
  noActiveCode: { code: 'attendance/no-active-code', status: 404, message: 'This session has no active code.' },
  sessionClosed: { code: 'attendance/session-closed', status: 409, message: 'This session is already closed.' },
  sessionCancelled: {
    code: 'attendance/session-cancelled',
    status: 409,
    message: 'This session was cancelled: it is not held.',
  },
  sessionNotClosed: {
    code: 'attendance/session-not-closed',
    status: 409,
    message: 'Only a closed session can be reopened.',
  },
  sessionNotStarted: {
    code: 'attendance/session-not-started',
    status: 409,
    message: 'A session can be closed only once check-in has opened.',
  },
  notEnrolled: { code: 'attendance/not-enrolled', status: 404, message: 'This student is not enrolled in the course.' },
  outOfRange: {
    code: 'attendance/out-of-range',
    status: 403,
    message:
      'Your location does not look like the classroom. Check in from the room, or ask your teacher to record you.',
  },
  noLocation: {
    code: 'attendance/no-location',
    status: 404,
    message: "The room's location has not been set for this session.",
  },
  noRecord: {
    code: 'attendance/no-record',
    status: 404,
    message: 'This student has no attendance record for the session.',
  },
  /** An offline change that arrived after a later change to the same record: the later one is kept. */
  offlineConflict: {
    code: 'attendance/offline-conflict',
    status: 409,
    message: 'This attendance was changed after your offline change was made; the later change was kept.',
    details:
      '[{studentId: uuid, status, source, changedAt: date-time}] — the record as it is now and its latest change',
  },
  concurrentCode: {
    code: 'attendance/code-conflict',
    status: 409,
    message: 'Another code was generated at the same time. Try again.',
  },
});
