import { defineErrors } from '../../common/app-error.js';

export const CourseErrors = defineErrors({
  codeTaken: { code: 'courses/code-taken', status: 409, message: 'Another course already has this code.' },
  invalidTimezone: {
    code: 'courses/invalid-timezone',
    status: 400,
    details: 'fields',
    message: 'The time zone is not a known IANA time zone (e.g. Europe/Lisbon).',
  },
  notTeachers: {
    code: 'courses/not-teachers',
    status: 400,
    details: '{ids: uuid[]} — the users that are not teachers',
    message: 'Some of these users are not teachers.',
  },
  notStudents: {
    code: 'courses/not-students',
    status: 400,
    details: '{ids: uuid[]} — the users that are not students',
    message: 'Only students can be enrolled: some of these users are not students.',
  },
  notEnrolled: { code: 'courses/not-enrolled', status: 404, message: 'This student is not enrolled in the course.' },
  enrolledAtInFuture: {
    code: 'courses/enrolled-at-future',
    status: 400,
    message: 'enrolledAt cannot be in the future.',
  },
  adminOnlyFields: {
    code: 'courses/admin-only-fields',
    status: 403,
    message: 'Only an admin can change the course code or its teachers.',
  },
  joinCodeInvalid: { code: 'courses/join-code-invalid', status: 404, message: 'This join code is not valid.' },
  joinTooManyAttempts: {
    code: 'courses/join-rate-limited',
    status: 429,
    message: 'Too many wrong join codes. Try again later.',
  },
  hasAttendance: {
    code: 'courses/has-attendance',
    status: 409,
    message: 'This course has attendance records or justifications: delete it with force=true to erase them too.',
  },
});
