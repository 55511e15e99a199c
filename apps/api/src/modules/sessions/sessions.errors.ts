import { defineErrors } from '../../common/app-error.js';

export const SessionErrors = defineErrors({
  invalidTimes: {
    code: 'sessions/invalid-times',
    status: 400,
    details: 'fields',
    message: 'A session must end after it starts and last at most 12 hours.',
  },
  invalidSeries: {
    code: 'sessions/invalid-series',
    status: 400,
    details: 'fields',
    message: 'The weekly series is not valid.',
  },
  seriesTooLong: {
    code: 'sessions/series-too-long',
    status: 400,
    details: 'fields',
    message: 'A weekly series makes at most 400 sessions.',
  },
  oneOrSeries: {
    code: 'sessions/one-or-series',
    status: 400,
    message: 'Send either startsAt and endsAt (one session) or series (a weekly series), not both.',
  },
  rangeTooLong: { code: 'sessions/range-too-long', status: 400, message: 'Ask for at most 366 days at a time.' },
  closed: { code: 'sessions/closed', status: 409, message: 'This session is closed: its times can no longer change.' },
  closedCannotCancel: {
    code: 'sessions/closed',
    status: 409,
    message: 'This session is closed: it was held and cannot be cancelled.',
  },
  alreadyCancelled: { code: 'sessions/cancelled', status: 409, message: 'This session is cancelled.' },
  hasAttendance: {
    code: 'sessions/has-attendance',
    status: 409,
    details: '{sessionIds: uuid[]} — the sessions that have attendance',
    message: 'This session has attendance records or justifications: close it instead of deleting it.',
  },
});
